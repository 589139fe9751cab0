// Imported first by every entry point (src/main.ts, the npm scripts' checks): on an unsupported
// Node, one line and exit 1, before a dependency that needs a newer Node (undici 8, cockatiel 4)
// fails on load with a stack trace.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { nodeVersionProblem } from './node-version';

const { engines } = JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8')) as { engines: { node: string } };
const problem = nodeVersionProblem(process.version, engines.node);
if (problem !== null) {
  process.stderr.write(`${problem}\n`);
  process.exit(1);
}
