import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { request } from 'undici';

// The process as users start it: src/main.ts through the same TypeScript loader as `npm run dev`.
const ROOT = resolve(__dirname, '..');

interface Run {
  child: ChildProcessWithoutNullStreams;
  lines: Array<Record<string, unknown>>;
  output: () => string;
  stderr: () => string;
  exited: Promise<number | null>;
}

function start(env: Record<string, string>): Run {
  const child = spawn(process.execPath, ['-r', '@swc-node/register', 'src/main.ts'], {
    cwd: ROOT,
    // No drain delay unless a test asks for one: each SIGTERM would otherwise wait 5 s.
    env: { PATH: process.env.PATH ?? '', PORT: '0', HOST: '127.0.0.1', SHUTDOWN_DRAIN_DELAY_MS: '0', ...env },
  });
  let stdout = '';
  let stderr = '';
  const lines: Array<Record<string, unknown>> = [];
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
    const parts = stdout.split('\n');
    stdout = parts.pop() ?? '';
    for (const part of parts) {
      try {
        lines.push(JSON.parse(part) as Record<string, unknown>);
      } catch {
        lines.push({ text: part });
      }
    }
  });
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((done) => child.on('exit', (code) => done(code)));
  return { child, lines, output: () => `${JSON.stringify(lines)}\n${stdout}\n${stderr}`, stderr: () => stderr, exited };
}

async function waitFor(run: Run, predicate: (line: Record<string, unknown>) => boolean, ms = 15000) {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    const found = run.lines.find(predicate);
    if (found) return found;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out; output so far: ${run.output()}`);
}

/** The exit code, or 'still running' when the process has not exited within `ms` (it is then killed). */
async function exitWithin(run: Run, ms = 15000): Promise<number | null | 'still running'> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'still running'>((done) => (timer = setTimeout(() => done('still running'), ms)));
  try {
    return await Promise.race([run.exited, timeout]);
  } finally {
    clearTimeout(timer);
    run.child.kill('SIGKILL');
  }
}

/** A start-up refusal as an operator must see it: exit 1, one line on stderr naming the variable, no stack, no value. */
async function expectRefusal(run: Run, variable: string, secrets: readonly string[]): Promise<void> {
  const code = await exitWithin(run);
  const stderr = run.stderr();
  expect({ code, stderr }).toEqual({ code: 1, stderr: expect.stringContaining(variable) });
  expect(stderr.endsWith('\n')).toBe(true);
  expect(stderr.trimEnd().split('\n')).toHaveLength(1);
  expect(stderr).not.toMatch(/^\s+at /m);
  for (const secret of secrets) expect(run.output()).not.toContain(secret);
}

function accountsFile(text: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'billing-main-'));
  const path = join(dir, 'accounts.yaml');
  writeFileSync(path, text);
  return path;
}

describe('npm start as a newcomer runs it', () => {
  test('without ACCOUNTS_FILE: says sandbox first, serves demo accounts, stops cleanly on SIGTERM', async () => {
    const run = start({ LOG_LEVEL: 'info' });
    try {
      const ready = await waitFor(run, (line) => typeof line.url === 'string');
      expect(String(run.lines[0]?.msg)).toContain('SANDBOX MODE');
      const response = await request(String(ready.url), {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: '{ account(provider: SIMPSY, accountId: "acme-voice") { monthlyTotal { amount currency } } }' }),
      });
      expect(await response.body.json()).toEqual({
        data: { account: { monthlyTotal: { amount: '177.70', currency: 'USD' } } },
      });
      run.child.kill('SIGTERM');
      expect(await run.exited).toBe(0);
      expect(run.output()).not.toMatch(/demo-[a-z0-9-]*secret/i);
    } finally {
      run.child.kill('SIGKILL');
    }
  });

  test('SIGTERM during a slow upstream call: the request completes, then the process exits 0', async () => {
    const run = start({ LOG_LEVEL: 'info', SANDBOX_LATENCY_MS: '1500' });
    try {
      const ready = await waitFor(run, (line) => typeof line.url === 'string');
      const pending = request(String(ready.url), {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: '{ account(provider: DIGIDONAR, accountId: "1408847") { profile { companyName } } }' }),
      });
      await new Promise((resolve) => setTimeout(resolve, 400));
      run.child.kill('SIGTERM');
      const response = await pending;
      expect(response.statusCode).toBe(200);
      expect(await response.body.json()).toEqual({ data: { account: { profile: { companyName: 'Lavi' } } } });
      expect(await run.exited).toBe(0);
      const messages = run.lines.map((line) => line.msg);
      expect(messages).toContain('stopped');
      // New connections are refused once shutdown began.
      await expect(request(String(ready.url), { method: 'GET' })).rejects.toThrow();
    } finally {
      run.child.kill('SIGKILL');
    }
  });

  test('a broken accounts file stops start-up with a message naming the entry', async () => {
    const path = accountsFile('accounts:\n  - { provider: SIMPSY, accountId: acme, key: k }\n');
    const run = start({ ACCOUNTS_FILE: path });
    expect(await run.exited).toBe(1);
    expect(run.output()).toContain('accounts[0] (SIMPSY acme)');
    expect(run.output()).toContain('secret');
  });

  test('a missing ${VAR} stops start-up naming the entry and the variable, not other values', async () => {
    const path = accountsFile(
      'accounts:\n  - { provider: DIGIDONAR, accountId: "1408847", key: visible-key-123, secret: "${DD_SECRET}" }\n',
    );
    const run = start({ ACCOUNTS_FILE: path });
    expect(await run.exited).toBe(1);
    expect(run.output()).toContain('accounts[0] (DIGIDONAR 1408847)');
    expect(run.output()).toContain('DD_SECRET');
    expect(run.output()).not.toContain('visible-key-123');
  });

  test('a bad environment variable stops start-up naming it', async () => {
    const run = start({ PORT: 'abc' });
    expect(await run.exited).toBe(1);
    expect(run.output()).toContain('PORT');
  });

  describe('a bad setting stops start-up with one line on stderr naming it, never its value, and no stack', () => {
    const tenantAccounts = () =>
      accountsFile(
        'accounts:\n  - { provider: SIMPSY, accountId: acme-voice, key: file-key-123, secret: file-secret-456, tenant: lavi }\n',
      );
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const privatePem = rsa.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const jwt = { JWT_ISSUER: 'https://issuer.test/', JWT_AUDIENCE: 'billing' };

    test.each([
      ['a REDIS_URL with a database that is not a number', 'REDIS_URL', { REDIS_URL: 'redis://:s3cretpass@cache.internal:6379/sessions' }, ['s3cretpass', 'cache.internal']],
      ['a REDIS_URL with a port out of range', 'REDIS_URL', { REDIS_URL: 'redis://:s3cretpass@cache.internal:99999' }, ['s3cretpass', 'cache.internal']],
      ['a JWT_PUBLIC_KEY that is no key', 'JWT_PUBLIC_KEY', { ...jwt, JWT_PUBLIC_KEY: 'not-a-key-s3cretpass' }, ['s3cretpass']],
      ['a private key as JWT_PUBLIC_KEY', 'JWT_PUBLIC_KEY', { ...jwt, JWT_PUBLIC_KEY: privatePem }, [privatePem.split('\n')[1]!]],
      ['a provider base URL with a password', 'SIMPSY_BASE_URL', { SIMPSY_BASE_URL: 'https://:s3cretpass@voice.example.test/api/v1' }, ['s3cretpass']],
    ])('%s', async (_case, variable, env, secrets) => {
      await expectRefusal(start({ ACCOUNTS_FILE: tenantAccounts(), ...env }), variable, secrets);
    });
  });

  test('NODE_ENV=production without ACCOUNTS_FILE refuses to start instead of serving the demo accounts', async () => {
    const run = start({ NODE_ENV: 'production', TRUST_NETWORK_WITHOUT_ROUTER_SECRET: 'true', LOG_LEVEL: 'info' });
    await expectRefusal(run, 'ACCOUNTS_FILE', []);
    expect(run.output()).not.toContain('SANDBOX MODE');
  });

  describe('drain delay (SHUTDOWN_DRAIN_DELAY_MS)', () => {
    const QUERY = JSON.stringify({ query: '{ account(provider: SIMPSY, accountId: "acme-voice") { accountId } }' });

    test('after SIGTERM: /readyz is 503 "draining" while GraphQL is still served, then the drain, then exit 0', async () => {
      // SHUTDOWN_TIMEOUT_MS shorter than the delay: it bounds the drain after the delay, not the delay.
      const run = start({ LOG_LEVEL: 'info', SHUTDOWN_DRAIN_DELAY_MS: '4000', SHUTDOWN_TIMEOUT_MS: '2000' });
      try {
        const ready = await waitFor(run, (line) => typeof line.url === 'string');
        const url = String(ready.url);
        const readyz = url.replace('/graphql', '/readyz');
        expect((await request(readyz)).statusCode).toBe(200);

        run.child.kill('SIGTERM');
        // Until the signal is handled, readiness may still say 200; bounded.
        let answer = await request(readyz);
        for (let i = 0; i < 100 && answer.statusCode === 200; i += 1) {
          await answer.body.dump();
          await new Promise((resolve) => setTimeout(resolve, 20));
          answer = await request(readyz);
        }
        expect(answer.statusCode).toBe(503);
        expect(await answer.body.json()).toMatchObject({ status: 'draining' });

        // Still served, on a new connection, while the endpoint is being removed everywhere.
        const graphql = await request(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: QUERY });
        expect(graphql.statusCode).toBe(200);
        // Keep-alive clients are told to reconnect, so they move to other replicas during the delay.
        expect(graphql.headers.connection).toBe('close');
        expect(await graphql.body.json()).toEqual({ data: { account: { accountId: 'acme-voice' } } });
        expect((await request(url.replace('/graphql', '/healthz'))).statusCode).toBe(200);
        expect(run.lines.map((line) => line.msg)).not.toContain('stopped');

        expect(await exitWithin(run)).toBe(0);
        const messages = run.lines.map((line) => String(line.msg));
        const draining = messages.findIndex((msg) => msg.startsWith('shutting down'));
        expect(draining).toBeGreaterThanOrEqual(0);
        expect(messages.indexOf('stopped')).toBeGreaterThan(draining);
        expect(run.lines[draining]).toMatchObject({ signal: 'SIGTERM', drainDelayMs: 4000 });
      } finally {
        run.child.kill('SIGKILL');
      }
    });

    test('SIGINT (a person at a terminal) skips the delay', async () => {
      const run = start({ LOG_LEVEL: 'info', SHUTDOWN_DRAIN_DELAY_MS: '600000' });
      try {
        await waitFor(run, (line) => typeof line.url === 'string');
        run.child.kill('SIGINT');
        expect(await exitWithin(run)).toBe(0);
      } finally {
        run.child.kill('SIGKILL');
      }
    });
  });
});
