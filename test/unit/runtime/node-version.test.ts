import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { nodeVersionProblem } from '../../../src/runtime/node-version';

const RANGE = '^22.19.0 || ^24.0.0';

describe('nodeVersionProblem', () => {
  it.each(['v22.19.0', 'v22.23.3', 'v24.0.0', 'v24.21.0'])('accepts %s', (version) => {
    expect(nodeVersionProblem(version, RANGE)).toBeNull();
  });

  it.each(['v20.20.2', 'v22.18.9', 'v23.11.0', 'v25.0.0', 'v18.0.0'])('refuses %s in one line naming both', (version) => {
    const problem = nodeVersionProblem(version, RANGE);
    expect(problem).toContain(RANGE);
    expect(problem).toContain(version);
    expect(problem).not.toContain('\n');
  });

  it('accepts the Node running the tests, by the range package.json declares', () => {
    const { engines } = JSON.parse(readFileSync(join(__dirname, '..', '..', '..', 'package.json'), 'utf8')) as { engines: { node: string } };
    expect(nodeVersionProblem(process.version, engines.node)).toBeNull();
  });
});
