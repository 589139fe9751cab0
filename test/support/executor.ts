/**
 * The executor settings every app a test builds runs with, so that the whole suite runs on either
 * path: by default the compiled one, from the first request of each operation; with
 * `GRAPHQL_EXECUTOR=graphql-js` in the environment of `npm test`, graphql-js (the CI runs both).
 */
export function executorEnv(): Record<string, string> {
  return process.env.GRAPHQL_EXECUTOR === 'graphql-js'
    ? { GRAPHQL_EXECUTOR: 'graphql-js' }
    : { GRAPHQL_EXECUTOR: 'compiled', GRAPHQL_COMPILE_AFTER: '1' };
}
