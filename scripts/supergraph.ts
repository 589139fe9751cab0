// Composes a supergraph from a rover-style config with @apollo/composition, offline:
//   npm run -s supergraph -- [--config rover.yaml] [--out supergraph.graphql]
// `rover supergraph compose --config <file>` gives the same schema where rover can download its
// composition plugin. Each subgraph's schema is a file (relative to the config) or a running
// subgraph's `_service { sdl }` (`subgraph_url`, with `introspection_headers`); values may use
// rover's `${env.NAME}` / `${env.NAME:-default}`. The local stack (deploy/compose) runs this.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { composeServices } from '@apollo/composition';
import { parse } from 'graphql';
import { parse as parseYaml } from 'yaml';

interface SubgraphEntry {
  routing_url?: unknown;
  schema?: { file?: unknown; subgraph_url?: unknown; introspection_headers?: Record<string, unknown> };
}

/** Expands rover's `${env.NAME}` and `${env.NAME:-default}`; a variable that is not set (and has no default) is an error. */
export function expandEnv(value: string, env: NodeJS.ProcessEnv = process.env): string {
  return value.replace(/\$\{env\.([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g, (_, name: string, fallback?: string) => {
    const found = env[name];
    if (found !== undefined && found !== '') return found;
    if (fallback !== undefined) return fallback;
    throw new Error(`environment variable ${name} is not set`);
  });
}

/** The SDL a running subgraph serves to a router; retried for about 30 s while it starts. */
async function introspect(url: string, headers: Record<string, string>): Promise<string> {
  let lastError: unknown;
  for (let attempt = 0; attempt < 15; attempt += 1) {
    try {
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify({ query: '{ _service { sdl } }' }),
        signal: AbortSignal.timeout(5000),
      });
      const body = (await response.json()) as { data?: { _service?: { sdl?: string } } };
      const sdl = body.data?._service?.sdl;
      if (response.ok && typeof sdl === 'string') return sdl;
      // The status only: the body may echo what was sent.
      lastError = new Error(`HTTP ${response.status}`);
    } catch (error) {
      lastError = error;
    }
    await sleep(2000);
  }
  throw new Error(`could not introspect ${url}: ${(lastError as Error)?.message ?? String(lastError)}`);
}

/** Composes the subgraphs a rover config lists, the way rover reads them. */
export async function composeRoverConfig(configPath: string): Promise<string> {
  const config = parseYaml(readFileSync(configPath, 'utf8')) as { subgraphs?: Record<string, SubgraphEntry> };
  const services = [];
  for (const [name, subgraph] of Object.entries(config.subgraphs ?? {})) {
    const schema = subgraph?.schema;
    if (typeof subgraph?.routing_url !== 'string' || (typeof schema?.file !== 'string' && typeof schema?.subgraph_url !== 'string')) {
      throw new Error(`${configPath}: subgraph ${name} needs routing_url and schema.file or schema.subgraph_url`);
    }
    let sdl: string;
    if (typeof schema.file === 'string') {
      sdl = readFileSync(resolve(dirname(configPath), schema.file), 'utf8');
    } else {
      const headers = Object.fromEntries(
        Object.entries(schema.introspection_headers ?? {}).map(([header, value]) => [header, expandEnv(String(value))]),
      );
      sdl = await introspect(expandEnv(String(schema.subgraph_url)), headers);
    }
    services.push({ name, url: expandEnv(subgraph.routing_url), typeDefs: parse(sdl) });
  }
  const result = composeServices(services);
  if (result.errors) throw new Error(`composition failed:\n${result.errors.map((e) => `  ${e.message}`).join('\n')}`);
  return result.supergraphSdl;
}

/** The value after `--name`, or the fallback. */
function option(name: string, fallback: string | null): string | null {
  const index = process.argv.indexOf(`--${name}`);
  return index === -1 ? fallback : (process.argv[index + 1] ?? null);
}

async function run(): Promise<void> {
  const supergraph = await composeRoverConfig(resolve(option('config', 'rover.yaml') ?? 'rover.yaml'));
  const out = option('out', null);
  if (out === null) {
    process.stdout.write(supergraph);
    return;
  }
  mkdirSync(dirname(resolve(out)), { recursive: true });
  writeFileSync(out, supergraph);
  process.stderr.write(`supergraph written to ${out}\n`);
}

if (require.main === module) {
  run().catch((error: unknown) => {
    process.stderr.write(`supergraph: ${(error as Error).message}\n`);
    process.exit(1);
  });
}
