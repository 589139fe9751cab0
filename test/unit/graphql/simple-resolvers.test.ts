import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

// An @ObjectType without simpleResolvers gives each of its plain fields a TypeGraphQL resolver
// (middleware dispatch, one call per field per object per request): the invoice connection's
// types cost 12% of a full-selection request's CPU that way. Plain fields are read as properties.
const TYPES = join(__dirname, '../../../src/graphql/types');

test('every object type declares simpleResolvers: true', () => {
  const declarations = readdirSync(TYPES)
    .filter((file) => file.endsWith('.ts'))
    .flatMap((file) =>
      [...readFileSync(join(TYPES, file), 'utf8').matchAll(/@ObjectType\(\s*'(\w+)',\s*\{([^}]*)\}/g)].map((m) => ({ file, name: m[1], options: m[2]! })),
    );
  expect(declarations.length).toBeGreaterThan(20);
  expect(declarations.filter((d) => !/simpleResolvers:\s*true/.test(d.options)).map((d) => `${d.file}: ${d.name}`)).toEqual([]);
});
