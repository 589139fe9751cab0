import { execute, parse } from 'graphql';
import { buildBillingSchema } from './schema';

const HEADER = '# Generated from the TypeGraphQL classes by `npm run schema:print`. Do not edit.\n\n';

/**
 * The subgraph SDL exactly as a router receives it from `_service { sdl }`, which is
 * what composition reads and what rover introspects.
 */
export async function printSubgraphSdl(): Promise<string> {
  const schema = await buildBillingSchema();
  const result = await execute({ schema, document: parse('{ _service { sdl } }') });
  const sdl = (result.data as { _service: { sdl: string } } | null | undefined)?._service.sdl;
  if (!sdl) throw new Error('the subgraph did not answer _service { sdl }');
  return `${HEADER}${sdl.trim()}\n`;
}
