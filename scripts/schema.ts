// Prints the subgraph SDL to schema.graphql, or with --check fails when the file is stale.
import '../src/runtime/require-supported-node';
import 'reflect-metadata';
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { printSubgraphSdl } from '../src/graphql/print-schema';

const target = resolve(__dirname, '..', 'schema.graphql');

async function run(): Promise<void> {
  const sdl = await printSubgraphSdl();
  if (process.argv.includes('--check')) {
    let current = '';
    try {
      current = readFileSync(target, 'utf8');
    } catch {
      // A missing file is stale too.
    }
    if (current !== sdl) {
      process.stderr.write('schema.graphql is stale: run `npm run schema:print` and commit the result\n');
      process.exit(1);
    }
    process.stdout.write('schema.graphql is up to date\n');
    return;
  }
  writeFileSync(target, sdl);
  process.stdout.write(`wrote ${target}\n`);
}

run().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
