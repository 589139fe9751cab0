// Hostile requests against the real server: request bytes against response bytes, and the
// server's RSS after a burst. Starts `src/main.ts` (sandbox mode) from --root (default: this
// checkout), so the same script measures an older checkout too:
//   node bench/amplification.mjs [--root DIR] [--burst 8]
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const at = args.indexOf(`--${name}`);
  return at === -1 ? fallback : args[at + 1];
};
const ROOT = resolve(option('root', join(dirname(fileURLToPath(import.meta.url)), '..')));
const BURST = Number(option('burst', '8'));

async function freePort() {
  const server = createServer();
  await new Promise((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address();
  await new Promise((done) => server.close(done));
  return port;
}

const rssMb = (pid) => {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').find((l) => l.startsWith('VmRSS:'));
  return Math.round(Number(line.replace(/\D+/g, '')) / 1024);
};

const id = (i, bytes) => `${String(i).padStart(4, '0')}${'x'.repeat(bytes - 4)}`;
const keys = (n, bytes) => Array.from({ length: n }, (_, i) => ({ provider: 'SIMPSY', accountId: id(i, bytes) }));
const aliases = (n, field) => Array.from({ length: n }, (_, i) => `a${i}: ${field}`).join(' ');

const ATTACKS = [
  {
    name: '50 aliases of accounts($k), $k = 100 unknown 16 KB ids',
    body: { query: `query($k: [AccountKeyInput!]!) { ${aliases(50, 'accounts(keys: $k) { accountId }')} }`, variables: { k: keys(100, 16_384) } },
  },
  {
    name: 'one accounts field, 100 unknown 16 KB ids',
    body: { query: 'query($k: [AccountKeyInput!]!) { accounts(keys: $k) { accountId } }', variables: { k: keys(100, 16_384) } },
  },
  {
    name: '100 unknown 200-byte ids (under every limit)',
    body: { query: 'query($k: [AccountKeyInput!]!) { accounts(keys: $k) { accountId } }', variables: { k: keys(100, 200) } },
  },
  {
    name: '100 x acme-voice, 49 aliases of invoices(after: "bad")',
    body: {
      query: `query($k: [AccountKeyInput!]!) { accounts(keys: $k) { ${aliases(49, 'invoices(after: "bad") { totalCount }')} } }`,
      variables: { k: Array.from({ length: 100 }, () => ({ provider: 'SIMPSY', accountId: 'acme-voice' })) },
    },
  },
  {
    name: '50 aliases of _entities($r), $r = 500 unknown representations',
    body: {
      query: `query($r: [_Any!]!) { ${aliases(50, '_entities(representations: $r) { __typename }')} }`,
      variables: { r: keys(500, 64).map((k) => ({ __typename: 'Account', ...k })) },
    },
  },
  {
    name: 'a 1.5 MB enum value in a variable',
    body: { query: 'query($p: Provider!) { account(provider: $p, accountId: "x") { accountId } }', variables: { p: 'A'.repeat(1_500_000) } },
  },
];

const port = await freePort();
const child = spawn(process.execPath, ['-r', '@swc-node/register', 'src/main.ts'], {
  cwd: ROOT,
  env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'silent', UPSTREAM_CACHE_TTL_SECONDS: '0' },
  stdio: ['ignore', 'ignore', 'inherit'],
});
const url = `http://127.0.0.1:${port}/graphql`;
try {
  for (let i = 0; ; i += 1) {
    if (i > 600) throw new Error('server did not start');
    try {
      if ((await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query":"{ __typename }"}' })).ok) break;
    } catch {}
    await new Promise((done) => setTimeout(done, 100));
  }
  const send = async (body) => {
    const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    const bytes = (await response.arrayBuffer()).byteLength;
    return { status: response.status, bytes };
  };
  console.log(`root: ${ROOT}`);
  console.log('| request | status | request bytes | response bytes | response / request |');
  console.log('|---|---|---|---|---|');
  for (const attack of ATTACKS) {
    const body = JSON.stringify(attack.body);
    const requestBytes = Buffer.byteLength(body);
    const { status, bytes } = await send(body);
    console.log(`| ${attack.name} | ${status} | ${requestBytes} | ${bytes} | ${(bytes / requestBytes).toFixed(2)} |`);
  }
  const first = JSON.stringify(ATTACKS[0].body);
  const before = rssMb(child.pid);
  await Promise.all(Array.from({ length: BURST }, () => send(first)));
  console.log(`RSS before / after ${BURST} concurrent copies of the first request: ${before} MB / ${rssMb(child.pid)} MB`);
} finally {
  child.kill('SIGTERM');
}
