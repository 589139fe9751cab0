import type { ApolloServerPlugin } from '@apollo/server';
import { ApolloArmor } from '@escape.tech/graphql-armor';
import {
  GraphQLError,
  Kind,
  type ASTVisitor,
  type FragmentDefinitionNode,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type ValidationContext,
  type ValidationRule,
  type ValueNode,
} from 'graphql';
import type { RequestLimits } from '../config/security-config';
import { ErrorCode } from '../domain/billing-error';

/**
 * Which limit a request error reports, read from the messages GraphQL Armor and graphql-js
 * write: neither lets a code travel through Apollo's validation errors, so the message is
 * the one stable thing. Pinned versions, and a test per limit, keep this honest.
 */
const LIMIT_MESSAGES: ReadonlyArray<[RegExp, ErrorCode]> = [
  [/Query depth limit of \d+ exceeded/, ErrorCode.QUERY_TOO_DEEP],
  [/Aliases limit of \d+ exceeded/, ErrorCode.TOO_MANY_ALIASES],
  [/Directives limit of \d+ exceeded/, ErrorCode.TOO_MANY_DIRECTIVES],
  [/Document contains more tha[nt] \d+ tokens/, ErrorCode.TOO_MANY_TOKENS],
  [/^Names are at most \d+ characters/, ErrorCode.NAME_TOO_LONG],
];

/** The limit code for a request error's message, if it is a limit. */
export function limitCode(message: string): ErrorCode | undefined {
  return LIMIT_MESSAGES.find(([pattern]) => pattern.test(message))?.[1];
}

/**
 * Query depth, aliases and directives are bounded by GraphQL Armor, a maintained set of
 * validation rules made for this, and "did you mean" suggestions are removed so the schema
 * cannot be guessed through typos when introspection is off. Tokens are bounded by graphql-js
 * itself (Apollo's `parseOptions.maxTokens`), so that a syntax error stays a 400
 * GRAPHQL_PARSE_FAILED: Armor's token plugin re-parses and turns syntax errors into 500s.
 */
export function requestLimitProtections(limits: RequestLimits & { readonly maxAccounts: number }): {
  plugins: ApolloServerPlugin[];
  validationRules: ValidationRule[];
  parseOptions: { maxTokens: number };
} {
  const armor = new ApolloArmor({
    maxDepth: { n: limits.maxDepth, ignoreIntrospection: true, flattenFragments: true },
    maxAliases: { n: limits.maxAliases },
    maxDirectives: { n: limits.maxDirectives },
    maxTokens: { enabled: false },
    blockFieldSuggestion: { enabled: true },
    costLimit: { enabled: false },
  });
  const { plugins, validationRules } = armor.protect();
  return {
    plugins: [...plugins, operationBudgetPlugin(limits.maxAccounts, limits.maxRepresentations)],
    validationRules: [...validationRules, nameLengthRule(MAX_NAME_LENGTH)],
    parseOptions: { maxTokens: limits.maxTokens },
  };
}

/** The longest name (alias, field, fragment, variable, operation) a document may use. */
export const MAX_NAME_LENGTH = 128;

/**
 * Bounds every name in a document. Tokens are counted, not measured: without this, one alias of
 * a megabyte is repeated in the response once per account of a list, and in every error path.
 */
export function nameLengthRule(max: number): ValidationRule {
  return (context: ValidationContext): ASTVisitor => ({
    Name(node) {
      if (node.value.length > max) {
        context.reportError(new GraphQLError(`Names are at most ${max} characters`));
      }
    },
  });
}

/** How many accounts and `_entities` representations an operation asks for, all fields and aliases together. */
export interface OperationDemand {
  readonly accounts: number;
  readonly representations: number;
}

/**
 * Counts, before execution, the account keys of every `account` and `accounts` root field and the
 * representations of every `_entities`, through fragments and inline fragments, as written
 * (fields under @skip count too). Literal lists count their items; a variable counts the length
 * of its value (or default). Each fragment is counted once, so nested spreads cost no more.
 */
export function operationDemand(
  operation: OperationDefinitionNode,
  fragments: Readonly<Record<string, FragmentDefinitionNode>>,
  variables: Readonly<Record<string, unknown>>,
): OperationDemand {
  const defaults = new Map(operation.variableDefinitions?.map((d) => [d.variable.name.value, d.defaultValue]) ?? []);
  const listLength = (value: ValueNode | undefined): number => {
    if (value === undefined || value.kind === Kind.NULL) return 0;
    if (value.kind === Kind.LIST) return value.values.length;
    if (value.kind !== Kind.VARIABLE) return 1; // one item coerced to a list of one
    const name = value.name.value;
    if (!(name in variables)) return listLength(defaults.get(name));
    const given = variables[name];
    return Array.isArray(given) ? given.length : given === null || given === undefined ? 0 : 1;
  };
  const counted = new Map<string, OperationDemand>();
  const count = (selectionSet: SelectionSetNode, path: ReadonlySet<string>): OperationDemand => {
    let accounts = 0;
    let representations = 0;
    for (const selection of selectionSet.selections) {
      let inner: OperationDemand | undefined;
      if (selection.kind === Kind.FIELD) {
        const argument = (name: string) => selection.arguments?.find((a) => a.name.value === name)?.value;
        if (selection.name.value === 'account') accounts += 1;
        else if (selection.name.value === 'accounts') accounts += listLength(argument('keys'));
        else if (selection.name.value === '_entities') representations += listLength(argument('representations'));
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        inner = count(selection.selectionSet, path);
      } else {
        const name = selection.name.value;
        const fragment = fragments[name];
        // Validation has refused cycles already; the path check only keeps this total.
        if (fragment && !path.has(name)) {
          inner = counted.get(name) ?? count(fragment.selectionSet, new Set([...path, name]));
          counted.set(name, inner);
        }
      }
      if (inner) {
        accounts += inner.accounts;
        representations += inner.representations;
      }
    }
    return { accounts, representations };
  };
  return count(operation.selectionSet, new Set());
}

/**
 * Refuses, before any resolver runs, an operation asking for more than `maxAccounts` accounts or
 * `maxRepresentations` representations over all its fields and aliases: per-field limits alone
 * multiply by the alias count (50 aliases of one 100-key variable are 5000 lookups and errors).
 */
export function operationBudgetPlugin(maxAccounts: number, maxRepresentations: number): ApolloServerPlugin {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ operation, document, request }) {
          if (!operation) return;
          const fragments: Record<string, FragmentDefinitionNode> = {};
          for (const definition of document.definitions) {
            if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments[definition.name.value] = definition;
          }
          const demand = operationDemand(operation, fragments, request.variables ?? {});
          if (demand.accounts > maxAccounts) {
            throw new GraphQLError(
              `This operation asks for ${demand.accounts} accounts; at most ${maxAccounts} are allowed per operation, all fields and aliases together`,
              { extensions: { code: ErrorCode.BAD_USER_INPUT, http: { status: 400 } } },
            );
          }
          if (demand.representations > maxRepresentations) {
            throw new GraphQLError(
              `This operation asks for ${demand.representations} representations; at most ${maxRepresentations} are resolved per operation, all _entities fields together`,
              { extensions: { code: ErrorCode.TOO_MANY_REPRESENTATIONS, http: { status: 400 } } },
            );
          }
        },
      };
    },
  };
}
