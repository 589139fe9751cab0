import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import type { AccountEntry } from '../domain/account-entry';
import type { Provider } from '../domain/provider';
import { Secret } from '../domain/secret';
import { PROVIDERS } from '../providers/installed';
import { ConfigError } from './config-error';

const nonEmpty = z.string().trim().min(1, 'must be a non-empty string');

/** One entry of the file, for these providers. */
const entrySchema = (providers: readonly Provider[]) => z.object({
  provider: z.enum(providers as [Provider, ...Provider[]]),
  // YAML reads an unquoted 1408847 as a number; an account id is an identifier, so accept both.
  accountId: z.union([nonEmpty, z.number().int().nonnegative().transform(String)]),
  key: nonEmpty,
  secret: nonEmpty,
  tenant: nonEmpty.optional(),
  description: z.string().optional(),
});

const fileSchema = z.object({ accounts: z.array(z.unknown()) });

const PLACEHOLDER = /\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g;

/** Replaces `${NAME}` with the environment's value; returns the names that were missing. */
function interpolate(value: string, env: NodeJS.ProcessEnv, missing: Set<string>): string {
  return value.replace(PLACEHOLDER, (_, name: string) => {
    const found = env[name];
    if (found === undefined || found === '') {
      missing.add(name);
      return '';
    }
    return found;
  });
}

function describeEntry(index: number, raw: unknown): string {
  const record = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>;
  const provider = typeof record.provider === 'string' ? record.provider : '?';
  const id =
    typeof record.accountId === 'string' || typeof record.accountId === 'number' ? String(record.accountId) : '?';
  return `accounts[${index}] (${provider} ${id})`;
}

/** Parses the text of an accounts file (YAML or JSON) for these providers; throws ConfigError naming the bad entry. */
export function parseAccounts(
  text: string,
  env: NodeJS.ProcessEnv,
  source = 'accounts file',
  providers: readonly Provider[] = PROVIDERS,
): AccountEntry[] {
  let document: unknown;
  try {
    document = parseYaml(text);
  } catch (error) {
    // The YAML library's message quotes the offending line, which may hold a secret: give the position only.
    const position = (error as { linePos?: Array<{ line: number; col: number }> }).linePos?.[0];
    const where = position ? ` at line ${position.line}, column ${position.col}` : '';
    throw new ConfigError(`${source}: not valid YAML or JSON${where}`);
  }
  const file = fileSchema.safeParse(document);
  if (!file.success) {
    throw new ConfigError(`${source}: expected a top-level "accounts:" list`);
  }

  const seen = new Set<string>();
  const entry = entrySchema(providers);
  return file.data.accounts.map((raw, index) => {
    const name = describeEntry(index, raw);
    const parsed = entry.safeParse(raw);
    if (!parsed.success) {
      const problems = parsed.error.issues.map((issue) => `${issue.path.join('.') || 'entry'}: ${issue.message}`);
      throw new ConfigError(`${source}: ${name}: ${problems.join('; ')}`);
    }
    const missing = new Set<string>();
    const key = interpolate(parsed.data.key, env, missing);
    const secret = interpolate(parsed.data.secret, env, missing);
    if (missing.size > 0) {
      throw new ConfigError(
        `${source}: ${name}: environment variable ${[...missing].join(', ')} is not set`,
      );
    }
    const id = `${parsed.data.provider}:${parsed.data.accountId}`;
    if (seen.has(id)) {
      throw new ConfigError(`${source}: ${name}: the same provider and accountId appear twice`);
    }
    seen.add(id);
    return Object.freeze({
      provider: parsed.data.provider,
      accountId: parsed.data.accountId,
      key: new Secret(key),
      secret: new Secret(secret),
      tenant: parsed.data.tenant ?? null,
      description: parsed.data.description ?? null,
    });
  });
}

/** Reads the accounts file named by ACCOUNTS_FILE, for these providers (the installed ones by default). */
export function loadAccountsFile(
  path: string,
  env: NodeJS.ProcessEnv = process.env,
  providers: readonly Provider[] = PROVIDERS,
): AccountEntry[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'unreadable';
    throw new ConfigError(`ACCOUNTS_FILE ${path}: cannot be read (${code})`);
  }
  return parseAccounts(text, env, `ACCOUNTS_FILE ${path}`, providers);
}
