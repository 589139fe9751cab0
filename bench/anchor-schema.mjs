// The schema and data the anchors (stock Apollo, graphql-jit) serve: the subgraph's own
// schema.graphql (its `_service { sdl }` form) through buildSubgraphSchema, with every Account
// read from a snapshot file = the subgraph's own full-selection JSON per account. Default
// resolvers then read plain properties and the custom scalars pass values through, so the
// anchors pay only for execution and serialization, and answer the subgraph's bytes.
import { readFileSync } from 'node:fs';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { parse } from 'graphql';

// What buildSubgraphSchema adds itself: leaving them in the SDL would define them twice.
const ADDED = new Set(['_Service', '_Any', '_Entity']);

/** The subgraph's schema.graphql, minus the types and fields buildSubgraphSchema adds. */
export function subgraphTypeDefs(file) {
  const document = parse(readFileSync(file, 'utf8'));
  const definitions = document.definitions.filter((d) => {
    if (d.name && ADDED.has(d.name.value)) return false;
    // `extend type Query { _entities _service }` is the federation part of the printed SDL.
    if (d.kind === 'ObjectTypeExtension' && d.name.value === 'Query' && d.fields.every((f) => f.name.value.startsWith('_'))) return false;
    return true;
  });
  return { ...document, definitions };
}

/**
 * Snapshots keyed `PROVIDER:accountId`, read from `file` (a JSON object of the same keys), and
 * reloaded on SIGUSR2: the subgraph's age and refresh fields move with time, so the driver
 * captures them again before each scenario and the anchors answer the same bytes.
 */
export function snapshotStore(file) {
  let snapshots = new Map();
  const load = () => {
    if (file) snapshots = new Map(Object.entries(JSON.parse(readFileSync(file, 'utf8'))));
    process.stdout.write('reloaded\n');
  };
  load();
  process.on('SIGUSR2', load);
  return { get: (provider, accountId) => snapshots.get(`${provider}:${accountId}`) ?? null };
}

/** The federated schema over the snapshots: `_entities` and `account` read them, nothing else resolves. */
export function anchorSchema(schemaFile, store) {
  const resolvers = {
    Query: { account: (_, { provider, accountId }) => store.get(provider, accountId) },
    Account: { __resolveReference: (ref) => store.get(ref.provider, ref.accountId) },
  };
  return buildSubgraphSchema([{ typeDefs: subgraphTypeDefs(schemaFile), resolvers }]);
}
