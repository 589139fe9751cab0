import { GraphQLError, GraphQLScalarType, Kind } from 'graphql';
import { DateTimeResolver, LocalDateResolver } from 'graphql-scalars';

const DECIMAL = /^-?\d+(\.\d+)?$/;

/** An exact decimal number as a string; money is never a float. */
export const DecimalScalar = new GraphQLScalarType<string, string>({
  name: 'Decimal',
  description: 'An exact decimal number, as a string such as "1234.50". Never a float, so no cent is lost.',
  serialize(value) {
    if (typeof value === 'string' && DECIMAL.test(value)) return value;
    throw new GraphQLError('Decimal cannot represent a non-decimal value');
  },
  parseValue(value) {
    if (typeof value === 'string' && DECIMAL.test(value)) return value;
    throw new GraphQLError('Decimal must be a string such as "12.50"');
  },
  parseLiteral(ast) {
    if (ast.kind === Kind.STRING && DECIMAL.test(ast.value)) return ast.value;
    throw new GraphQLError('Decimal must be a string such as "12.50"');
  },
});

/** Most texts each date scalar remembers; inputs are provider values of at most 256 characters. */
const SERIALIZED_KEPT = 10_000;

/**
 * A scalar's serialize, remembered per input text: the dates of cached snapshots are served again
 * and again, and checking one (graphql-scalars parses it) costs more than looking it up. Invalid
 * input still throws every time; the memory is emptied when full.
 */
function rememberingSerialize(serialize: (value: unknown) => unknown): (value: unknown) => unknown {
  const known = new Map<string, unknown>();
  return (value) => {
    if (typeof value !== 'string') return serialize(value);
    const hit = known.get(value);
    if (hit !== undefined) return hit;
    const serialized = serialize(value);
    if (known.size >= SERIALIZED_KEPT) known.clear();
    known.set(value, serialized);
    return serialized;
  };
}

/**
 * An instant, RFC 3339 in UTC: graphql-scalars' DateTime, whose serialize answers a Date that
 * JSON turns into its ISO text. This one answers that text itself: the same checks and the same
 * bytes, without a Date object per value in the response tree for JSON.stringify to call toJSON on.
 */
export const DateTimeScalar = new GraphQLScalarType({
  ...DateTimeResolver.toConfig(),
  serialize: rememberingSerialize((value) => {
    const serialized: unknown = DateTimeResolver.serialize(value);
    return serialized instanceof Date ? serialized.toISOString() : serialized;
  }),
});

/** A calendar date without time or zone (graphql-scalars' LocalDate, its serialize remembered). */
export const LocalDateScalar = new GraphQLScalarType({
  ...LocalDateResolver.toConfig(),
  serialize: rememberingSerialize((value) => LocalDateResolver.serialize(value)),
});
