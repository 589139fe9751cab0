/**
 * A closed list of values, each with what it means: the one place a value is named and explained.
 * The GraphQL enums are built from these (graphql/types/enums.ts), values and descriptions alike.
 */
export type ValueMeanings<V extends string> = { readonly [K in V]: string };

/** The values of a list of meanings, in the order they are written (the order clients see). */
export function valuesOf<V extends string>(meanings: ValueMeanings<V>): readonly V[] {
  return Object.freeze(Object.keys(meanings) as V[]);
}
