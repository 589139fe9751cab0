// The benchmark's upstreams: each installed provider's one fake (src/sandbox's FakeUpstream, the
// same the sandbox and the tests use), with a fixed latency per answer. Run as a child process
// (node -r @swc-node/register) with BENCH_TARGETS=a,b,... and the accounts as JSON on stdin: one
// fake per provider per target; prints one JSON line {targets: {a: {env, baseUrls}, ...}, controlUrl, latencyMs}.
// Control: GET /__stats?target=a -> {calls, unknown}, POST /__reset?target=a.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { INSTALLED_PROVIDERS } from '../src/providers/installed';
import { FakeUpstream, type FakeAccount } from '../src/sandbox';

const latencyMs = Number(process.env.BENCH_LATENCY_MS ?? 50);

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

async function main(): Promise<void> {
  const accounts = JSON.parse(await readStdin()) as Array<FakeAccount & { provider: string }>;
  // Each target gets its own fakes, so calls a target still makes after its run (requests the
  // load generator abandoned) are never counted against another target.
  const targets = (process.env.BENCH_TARGETS ?? 'default').split(',');
  const fakes = new Map<string, FakeUpstream[]>();
  for (const target of targets) {
    fakes.set(target, await Promise.all(INSTALLED_PROVIDERS.map((module) => FakeUpstream.start(module.fake, { accounts, latencyMs }))));
  }
  const control = createServer((req, res) => {
    const [path, query] = (req.url ?? '').split('?');
    const own = fakes.get(new URLSearchParams(query ?? '').get('target') ?? '');
    if (!own) {
      res.writeHead(404);
      return res.end('unknown target');
    }
    if (path === '/__stats') {
      const unknown = own.reduce((sum, fake) => sum + fake.unknownCount(), 0);
      const calls = own.reduce((sum, fake) => sum + fake.requestCount(), 0) - unknown;
      return res.end(JSON.stringify({ calls, unknown }));
    }
    if (path === '/__reset') {
      for (const fake of own) fake.reset();
      return res.end('{}');
    }
    res.writeHead(404);
    res.end();
  });
  await new Promise<void>((resolve) => control.listen(0, '127.0.0.1', resolve));
  const urls = Object.fromEntries(
    [...fakes].map(([target, own]) => [
      target,
      {
        env: Object.fromEntries(own.map((fake) => [`${fake.provider}_BASE_URL`, fake.baseUrl])),
        baseUrls: Object.fromEntries(own.map((fake) => [fake.provider, fake.baseUrl])),
      },
    ]),
  );
  const controlUrl = `http://127.0.0.1:${(control.address() as AddressInfo).port}`;
  process.stdout.write(`${JSON.stringify({ targets: urls, controlUrl, latencyMs })}\n`);
}

void main();
