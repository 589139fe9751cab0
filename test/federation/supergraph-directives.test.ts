import { ApolloGateway } from '@apollo/gateway';
import { MapperKind, mapSchema, pruneSchema } from '@graphql-tools/utils';
import {
  buildSchema,
  execute,
  getNamedType,
  isObjectType,
  parse,
  print,
  validateSchema,
  type ConstDirectiveNode,
  type GraphQLField,
  type GraphQLNamedType,
  type GraphQLSchema,
} from 'graphql';
import { composeRoverSupergraph } from '../../scripts/local-stack/supergraph';
import { loadConfig } from '../../src/config/config';
import {
  ACCOUNTS_ASSUMED_SIZE,
  ACCOUNT_LOAD_COST,
  INVOICE_LOAD_COST,
  OVERVIEW_ASSUMED_ACCOUNTS,
  OVERVIEW_LOAD_COST,
} from '../../src/graphql/federation-directives';
import { DEFAULT_INVOICES_PER_PAGE } from '../../src/graphql/invoice.connection';
import { buildBillingSchema } from '../../src/graphql/schema';

// Demand control (@cost, @listSize) and contract tags (@tag) are declared by billing and read
// by the router from the supergraph: they count only if composition carries them there.

const silentLogger = { debug() {}, info() {}, warn() {}, error() {} };

let supergraphSdl: string;
let supergraph: GraphQLSchema;

beforeAll(() => {
  supergraphSdl = composeRoverSupergraph();
  supergraph = buildSchema(supergraphSdl);
});

/** The cost, listSize and tag directives on a type or `Type.field` of the supergraph, printed. */
function directivesAt(coordinate: string): string[] {
  const [typeName, fieldName] = coordinate.split('.');
  const type = supergraph.getType(typeName ?? '');
  if (!type) throw new Error(`no type ${typeName}`);
  const node = fieldName
    ? (type as { getFields(): Record<string, GraphQLField<unknown, unknown>> }).getFields()[fieldName]?.astNode
    : type.astNode;
  if (!node) throw new Error(`no ${coordinate}`);
  return (node.directives ?? [])
    .filter((d: ConstDirectiveNode) => ['cost', 'listSize', 'tag'].includes(d.name.value))
    .map((d: ConstDirectiveNode) => print(d));
}

describe('demand control in the composed supergraph (rover.yaml)', () => {
  it('links the cost spec, so a router reads @cost and @listSize', () => {
    expect(supergraphSdl).toContain('@link(url: "https://specs.apollo.dev/cost/v0.1", import: ["@listSize"])');
  });

  it('an account costs one load wherever it is returned; invoices a load of their own, sized by `first`', () => {
    expect(directivesAt('Account')).toEqual([`@cost(weight: ${ACCOUNT_LOAD_COST})`]);
    expect(directivesAt('Account.invoices')).toEqual([
      `@cost(weight: ${INVOICE_LOAD_COST})`,
      '@listSize(slicingArguments: ["first"], sizedFields: ["edges", "nodes"], requireOneSlicingArgument: false)',
    ]);
    // `first` has a default, so a router sizes the page even when a query leaves it out.
    const first = (supergraph.getType('Account') as { getFields(): Record<string, GraphQLField<unknown, unknown>> })
      .getFields()
      .invoices?.args.find((a) => a.name === 'first');
    expect(first?.defaultValue).toBe(DEFAULT_INVOICES_PER_PAGE);
  });

  it('accounts is sized at the most it can return; the overview costs every account it covers', () => {
    expect(directivesAt('Query.accounts')).toEqual([`@listSize(assumedSize: ${ACCOUNTS_ASSUMED_SIZE})`]);
    expect(ACCOUNTS_ASSUMED_SIZE).toBe(loadConfig({}).maxAccountsPerQuery);
    expect(directivesAt('Query.billingOverview')).toEqual([`@cost(weight: ${OVERVIEW_LOAD_COST})`]);
    expect(OVERVIEW_LOAD_COST).toBe(ACCOUNT_LOAD_COST * OVERVIEW_ASSUMED_ACCOUNTS);
    expect(directivesAt('BillingOverview.accounts')).toEqual([`@listSize(assumedSize: ${OVERVIEW_ASSUMED_ACCOUNTS})`]);
    // The overview has loaded the account already: reading it there is one object, not a second load.
    expect(directivesAt('AccountOverview.account')).toEqual(['@cost(weight: 1)']);
    expect(directivesAt('Query.account')).toEqual([]);
  });

  it('@apollo/gateway accepts @cost, @listSize and @tag (it refuses only the auth directives)', async () => {
    const withAuth = new ApolloGateway({ supergraphSdl, logger: silentLogger });
    await expect(withAuth.load()).rejects.toThrow(/authenticated\/v0\.1 is for: SECURITY but is unsupported/);

    // What billing serves with FEDERATION_AUTH_DIRECTIVES=false.
    const schema = await buildBillingSchema({ authDirectives: false });
    const served = await execute({ schema, document: parse('{ _service { sdl } }') });
    const sdl = (served.data as { _service: { sdl: string } })._service.sdl;
    expect(sdl).not.toMatch(/@authenticated|@requiresScopes/);
    const withoutAuth = composeRoverSupergraph({ sdls: { billing: sdl } });
    expect(withoutAuth).toContain('@cost(weight: 10)');
    expect(withoutAuth).toContain('@tag(name: "payment")');
    const gateway = new ApolloGateway({ supergraphSdl: withoutAuth, logger: silentLogger });
    await gateway.load();
    await gateway.stop();
  });
});

/** The supergraph's API as a contract that excludes `tag` would leave it (tagged types and fields removed, then unreachable types). */
function contractExcluding(tag: string): GraphQLSchema {
  const tagged = (node: { astNode?: { directives?: readonly ConstDirectiveNode[] } | null | undefined }) =>
    (node.astNode?.directives ?? []).some(
      (d) => d.name.value === 'tag' && d.arguments?.some((a) => a.value.kind === 'StringValue' && a.value.value === tag),
    );
  const withoutTypes = mapSchema(supergraph, {
    [MapperKind.TYPE]: (type: GraphQLNamedType) => (tagged(type) ? null : type),
  });
  return pruneSchema(
    mapSchema(withoutTypes, {
      [MapperKind.OBJECT_FIELD]: (field) => (tagged(field as never) ? null : field),
    }),
  );
}

describe('contract tags in the composed supergraph', () => {
  it('"payment" marks the masked card and the credit limit', () => {
    expect(directivesAt('Account.paymentMethod')).toEqual(['@tag(name: "payment")']);
    expect(directivesAt('PaymentMethod')).toEqual(['@tag(name: "payment")']);
    expect(directivesAt('Account.creditLimit')).toEqual(['@tag(name: "payment")']);
  });

  it('"internal" marks freshness and refresh failures', () => {
    expect(directivesAt('Account.freshness')).toEqual(['@tag(name: "internal")']);
    expect(directivesAt('InvoiceConnection.freshness')).toEqual(['@tag(name: "internal")']);
    expect(directivesAt('Freshness')).toEqual(['@tag(name: "internal")']);
    expect(directivesAt('RefreshError')).toEqual(['@tag(name: "internal")']);
  });

  it.each([
    ['payment', ['PaymentMethod'], ['paymentMethod', 'creditLimit']],
    ['internal', ['Freshness', 'RefreshError'], ['freshness']],
  ])('a contract excluding "%s" is a valid schema without those parts, and keeps the rest', (tag, types, accountFields) => {
    // Every field returning a tagged type is tagged itself: the contract removes the field on
    // purpose rather than by accident of the type's removal (fields of a tagged type go with it).
    for (const type of Object.values(supergraph.getTypeMap())) {
      if (!isObjectType(type) || types.includes(type.name)) continue;
      for (const field of Object.values(type.getFields())) {
        if (types.includes(getNamedType(field.type).name)) {
          expect([`${type.name}.${field.name}`, directivesAt(`${type.name}.${field.name}`)]).toEqual([
            `${type.name}.${field.name}`,
            [`@tag(name: "${tag}")`],
          ]);
        }
      }
    }
    const contract = contractExcluding(tag);
    expect(validateSchema(contract)).toEqual([]);
    for (const type of types) expect(contract.getType(type)).toBeUndefined();
    const account = contract.getType('Account');
    if (!isObjectType(account)) throw new Error('Account is gone');
    for (const field of accountFields) expect(account.getFields()[field]).toBeUndefined();
    expect(Object.keys(account.getFields())).toEqual(expect.arrayContaining(['provider', 'accountId', 'plan', 'invoices', 'monthlyCharges']));
    expect(contract.getQueryType()?.getFields().billingOverview).toBeDefined();
  });
});
