import { buildSubgraphSchema } from '@apollo/subgraph';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper';
import { printSchemaWithDirectives } from '@graphql-tools/utils';
import { parse, type GraphQLSchema } from 'graphql';
import { buildSchema, createResolversMap } from 'type-graphql';
import { resolveAccountReference } from './account.reference';
import { AccountResolver } from './account.resolver';
import type { GraphQLContext } from './context';
import { AccountType } from './types/account.type';

/** The Federation 2 version this subgraph declares, and the directives it imports. */
const FEDERATION_LINK = 'extend schema @link(url: "https://specs.apollo.dev/federation/v2.9", import: ["@key"])';

/**
 * Builds the executable Federation 2 subgraph schema from the TypeGraphQL classes.
 * TypeGraphQL builds a plain schema; printing it with directives keeps `@key`, which the
 * plain printer drops; @apollo/subgraph then adds `_service` and `_entities`.
 */
export async function buildBillingSchema(): Promise<GraphQLSchema> {
  const typeGraphQLSchema = await buildSchema({
    resolvers: [AccountResolver],
    orphanedTypes: [AccountType],
    validate: false,
  });
  const typeDefs = parse(`${FEDERATION_LINK}\n\n${printSchemaWithDirectives(typeGraphQLSchema)}`);
  const resolvers = createResolversMap(typeGraphQLSchema) as GraphQLResolverMap<GraphQLContext>;
  const accountResolvers = resolvers.Account as Record<string, unknown>;
  resolvers.Account = {
    ...accountResolvers,
    __resolveReference: (reference: unknown, ctx: GraphQLContext) => resolveAccountReference(reference, ctx),
  } as GraphQLResolverMap<GraphQLContext>[string];
  return buildSubgraphSchema([{ typeDefs, resolvers }]);
}
