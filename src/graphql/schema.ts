import { buildSubgraphSchema, type GraphQLResolverMap } from '@apollo/subgraph';
import { printSchemaWithDirectives } from '@graphql-tools/utils';
import { GraphQLError, Kind, isObjectType, parse, visit, type DocumentNode, type GraphQLSchema } from 'graphql';
import { ErrorCode } from '../domain/billing-error';
import { buildSchema, createResolversMap } from 'type-graphql';
import { authChecker } from './access';
import { BillingOverviewResolver } from './billing-overview.resolver';
import { accountReferenceResolver } from './account.reference';
import { AccountResolver } from './account.resolver';
import { AccountCoinsResolver } from './coin-balance.resolver';
import { AccountInvoicesResolver } from './account-invoices.resolver';
import { MonthlyChargesResolver } from './monthly-charges.resolver';
import { ValidityResolver } from './validity.resolver';
import type { GraphQLContext } from './context';
import { AccountType } from './types/account.type';
import type { ProviderModule } from '../providers/provider-module';
import { INSTALLED_PROVIDERS } from '../providers/installed';

/** The Federation 2 version this subgraph declares, and the directives it imports. */
const link = (imports: readonly string[]) =>
  `extend schema @link(url: "https://specs.apollo.dev/federation/v2.9", import: [${imports.map((i) => `"${i}"`).join(', ')}])`;

/** Directives a router enforces (Apollo Router's authorization); @apollo/gateway refuses them. */
const AUTH_DIRECTIVES = new Set(['authenticated', 'requiresScopes']);

/** Removes the router-enforced auth directives from printed SDL. */
function withoutAuthDirectives(document: DocumentNode): DocumentNode {
  return visit(document, {
    Directive: (node) => (AUTH_DIRECTIVES.has(node.name.value) ? null : undefined),
  });
}

/** The providers as the GraphQL Provider enum shows them: each module's id and description. */
type EnumProvider = Pick<ProviderModule, 'id' | 'description'>;

/** Gives the Provider enum of printed SDL one value per provider, in list order, described by its module. */
function withProviderValues(document: DocumentNode, providers: readonly EnumProvider[]): DocumentNode {
  return visit(document, {
    EnumTypeDefinition: (node) =>
      node.name.value !== 'Provider'
        ? undefined
        : {
            ...node,
            values: providers.map((provider) => ({
              kind: Kind.ENUM_VALUE_DEFINITION,
              name: { kind: Kind.NAME, value: provider.id },
              description: { kind: Kind.STRING, value: provider.description, block: true },
            })),
          },
  });
}

/**
 * Builds the executable Federation 2 subgraph schema from the TypeGraphQL classes, for these
 * providers (the installed ones by default): they are the values of the Provider enum.
 * TypeGraphQL builds a plain schema; printing it with directives keeps `@key`, which the
 * plain printer drops; @apollo/subgraph then adds `_service` and `_entities`.
 */
export async function buildBillingSchema(
  options: { maxRepresentations?: number; authDirectives?: boolean; providers?: readonly EnumProvider[] } = {},
): Promise<GraphQLSchema> {
  const authDirectives = options.authDirectives ?? true;
  const providers = options.providers ?? INSTALLED_PROVIDERS;
  const typeGraphQLSchema = await buildSchema({
    resolvers: [
      AccountResolver,
      AccountInvoicesResolver,
      AccountCoinsResolver,
      ValidityResolver,
      MonthlyChargesResolver,
      BillingOverviewResolver,
    ],
    orphanedTypes: [AccountType],
    validate: false,
    authChecker,
  });
  // @cost/@listSize (demand control) and @tag (contracts): see federation-directives.ts.
  const base = ['@key', '@cost', '@listSize', '@tag'];
  const imports = authDirectives ? [...base, '@authenticated', '@requiresScopes'] : base;
  const printed = withProviderValues(parse(`${link(imports)}\n\n${printSchemaWithDirectives(typeGraphQLSchema)}`), providers);
  const typeDefs = authDirectives ? printed : withoutAuthDirectives(printed);
  const resolvers = createResolversMap(typeGraphQLSchema) as GraphQLResolverMap<GraphQLContext>;
  const accountResolvers = resolvers.Account as Record<string, unknown>;
  // Every Provider value is its own name, as a missing entry makes it.
  delete resolvers.Provider;
  const resolveReference = accountReferenceResolver(providers.map((provider) => provider.id));
  resolvers.Account = {
    ...accountResolvers,
    __resolveReference: (reference: unknown, ctx: GraphQLContext) => resolveReference(reference, ctx),
  } as GraphQLResolverMap<GraphQLContext>[string];
  const schema = buildSubgraphSchema([{ typeDefs, resolvers }]);
  guardEntities(schema, options.maxRepresentations ?? 500);
  return schema;
}

/**
 * Bounds the number of `_entities` representations, and checks every one's __typename
 * before any is resolved.
 * @apollo/subgraph throws a plain Error on an unknown type half-way through the list,
 * after earlier representations have started their loads: those would reject with no
 * one listening, and the client would see INTERNAL for what is bad input.
 */
function guardEntities(schema: GraphQLSchema, maxRepresentations: number): void {
  const field = schema.getQueryType()?.getFields()._entities;
  const resolve = field?.resolve;
  if (!field || !resolve) throw new Error('buildSubgraphSchema produced no _entities field');
  const entityTypes = new Set(
    Object.values(schema.getTypeMap())
      .filter((type) => isObjectType(type) && type.astNode?.directives?.some((d) => d.name.value === 'key'))
      .map((type) => type.name),
  );
  field.resolve = (source, args: { representations?: unknown }, context, info) => {
    const representations = Array.isArray(args.representations) ? args.representations : [];
    if (representations.length > maxRepresentations) {
      throw new GraphQLError(`At most ${maxRepresentations} representations are resolved per _entities call`, {
        extensions: { code: ErrorCode.TOO_MANY_REPRESENTATIONS, http: { status: 400 } },
      });
    }
    representations.forEach((representation, index) => {
      const typename = (representation as { __typename?: unknown } | null)?.__typename;
      if (typeof typename !== 'string' || !entityTypes.has(typename)) {
        throw new GraphQLError(`representations[${index}] has no entity __typename this subgraph resolves`, {
          extensions: { code: ErrorCode.BAD_USER_INPUT },
        });
      }
    });
    return resolve(source, args, context, info);
  };
}
