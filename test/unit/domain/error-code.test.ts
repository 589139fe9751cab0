import { readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { ApolloServerErrorCode } from '@apollo/server/errors';
import { ErrorCode } from '../../../src/domain/billing-error';

const ROOT = join(__dirname, '../../..');
const LISTED = new Set<string>(Object.values(ErrorCode));

/** The codes in the first column of the README's errors table (several may share a row). */
function readmeCodes(): string[] {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('\n### Errors\n'), readme.indexOf('\n## Configuration\n'));
  const rows = section.split('\n').filter((line) => line.startsWith('| `'));
  return rows.flatMap((row) => [...(row.split('|')[1] ?? '').matchAll(/`([A-Z][A-Z0-9_]*)`/g)].map((m) => m[1]!));
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? sourceFiles(join(dir, entry.name)) : entry.name.endsWith('.ts') ? [join(dir, entry.name)] : [],
  );
}

describe('one list of the error codes a client can see', () => {
  test("the README's errors table names every code of the list, and no other", () => {
    const table = readmeCodes();
    expect(new Set(table).size).toBe(table.length);
    expect([...table].sort()).toEqual([...LISTED].sort());
  });

  test("Apollo Server's request codes are spelled as Apollo spells them", () => {
    for (const code of Object.values(ApolloServerErrorCode)) {
      if (LISTED.has(code)) expect(ErrorCode[code as keyof typeof ErrorCode]).toBe(code);
    }
    expect(LISTED.has(ApolloServerErrorCode.GRAPHQL_PARSE_FAILED)).toBe(true);
    expect(LISTED.has(ApolloServerErrorCode.PERSISTED_QUERY_NOT_FOUND)).toBe(true);
  });

  test('no code is spelled in src/ outside the list: a `code:` is always ErrorCode.X', () => {
    const strays: string[] = [];
    for (const file of sourceFiles(join(ROOT, 'src'))) {
      const text = readFileSync(file, 'utf8');
      for (const match of text.matchAll(/\bcode: '([A-Z][A-Z0-9_]*)'/g)) strays.push(`${relative(ROOT, file)}: ${match[1]}`);
    }
    expect(strays).toEqual([]);
  });
});
