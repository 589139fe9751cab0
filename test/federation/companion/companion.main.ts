// Runs the companion subgraph on its own, for a local supergraph (deploy/compose runs it in a
// container): `node -r @swc-node/register test/federation/companion/companion.main.ts`.
// HOST (default 127.0.0.1) and PORT (default 4002, rover.yaml's routing URL) say where.
import { startCompanion } from './companion';

async function run(): Promise<void> {
  const host = process.env.HOST ?? '127.0.0.1';
  const port = Number(process.env.PORT ?? 4002);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`PORT must be a port number, not ${process.env.PORT}`);
  const companion = await startCompanion({ host, port });
  // One line, read by people and by test/deploy/compose.test.ts.
  process.stdout.write(`companion subgraph ready at ${companion.url}\n`);
  const stop = () => void companion.close().then(() => process.exit(0));
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

run().catch((error: unknown) => {
  process.stderr.write(`companion: ${(error as Error).message}\n`);
  process.exit(1);
});
