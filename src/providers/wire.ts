import { z } from 'zod';

/**
 * A scalar as these providers send it: documented as a string or null, but a number
 * is taken too (and turned into its string) because nothing is lost by accepting it.
 */
export const wireString = z
  .union([z.string(), z.number().transform(String)])
  .nullish()
  .transform((value) => value ?? null);

/** Summarizes a zod error by paths only: values from the body never reach a message. */
export function describeIssues(error: z.ZodError, prefix: readonly string[] = []): string {
  const paths = error.issues.slice(0, 3).map((issue) => [...prefix, ...issue.path.map(String)].join('.') || '(root)');
  const more = error.issues.length > 3 ? ` and ${error.issues.length - 3} more` : '';
  return `unexpected shape at ${paths.join(', ')}${more}`;
}
