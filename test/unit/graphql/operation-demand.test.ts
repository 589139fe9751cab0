import { Kind, parse, type FragmentDefinitionNode, type OperationDefinitionNode } from 'graphql';
import { operationDemand } from '../../../src/graphql/request-limits';

function demand(query: string, variables: Record<string, unknown> = {}) {
  const document = parse(query);
  const operation = document.definitions.find((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION)!;
  const fragments = Object.fromEntries(
    document.definitions.filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION).map((f) => [f.name.value, f]),
  );
  return operationDemand(operation, fragments, variables);
}

const key = '{ provider: SIMPSY, accountId: "x" }';

describe('operationDemand', () => {
  it('counts account fields, literal lists, variables and their defaults, and representations', () => {
    expect(demand(`query($k: [AccountKeyInput!]!, $d: [AccountKeyInput!]! = [${key}, ${key}], $r: [_Any!]!) {
      a: account(provider: SIMPSY, accountId: "x") { accountId }
      b: accounts(keys: [${key}, ${key}, ${key}]) { accountId }
      c: accounts(keys: $k) { accountId }
      d: accounts(keys: $d) { accountId }
      e: accounts(keys: ${key}) { accountId }
      f: _entities(representations: $r) { __typename }
      g: _entities(representations: $r) { __typename }
    }`, { k: [1, 2, 3, 4], r: [1, 2] })).toEqual({ accounts: 1 + 3 + 4 + 2 + 1, representations: 4 });
  });

  it('counts only root fields: a nested field of the same name is no lookup', () => {
    expect(demand('{ billingOverview { accounts { account { accountId } } } }')).toEqual({ accounts: 0, representations: 0 });
  });

  it('a variable that is null or absent without a default counts nothing', () => {
    expect(demand('query($k: [AccountKeyInput!]) { accounts(keys: $k) { accountId } }', { k: null })).toEqual({ accounts: 0, representations: 0 });
    expect(demand('query($k: [AccountKeyInput!]) { accounts(keys: $k) { accountId } }')).toEqual({ accounts: 0, representations: 0 });
  });

  it('a fragment spread twice at every level of 40 is counted in linear time, and counted in full', () => {
    const levels = 40;
    const fragments = Array.from({ length: levels }, (_, i) =>
      i === levels - 1
        ? `fragment F${i} on Query { account(provider: SIMPSY, accountId: "x") { accountId } }`
        : `fragment F${i} on Query { ...F${i + 1} ...F${i + 1} }`,
    ).join('\n');
    // Walking every spread would take 2^39 steps: this finishing at all is the check.
    expect(demand(`{ ...F0 } ${fragments}`).accounts).toBe(2 ** (levels - 1));
  });
});
