import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginCacheControlDisabled } from '@apollo/server/plugin/disabled';
import { fastifyApolloDrainPlugin } from '@as-integrations/fastify';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { AppConfig } from '../config/config';
import { BillingError } from '../domain/billing-error';
import type { GraphQLContext } from '../graphql/context';
import { createErrorFormatter } from '../graphql/errors';
import { requestLimitProtections } from '../graphql/request-limits';
import { CompiledExecutor } from '../graphql/compiled-executor';
import { buildBillingSchema } from '../graphql/schema';
import type { Metrics } from './metrics';
import { cacheControlHeaderPlugin } from './plugins/cache-control-header';
import { errorBudgetPlugin } from './plugins/error-budget';
import { landingPagePlugin } from './plugins/landing-page';
import { requestLogPlugin } from './plugins/request-log';

/** What the GraphQL server is built from. */
export interface ApolloParts {
  readonly config: AppConfig;
  /** The HTTP server it runs in, drained by Apollo on stop. */
  readonly http: FastifyInstance;
  readonly logger: Logger;
  readonly metrics: Metrics;
}

/**
 * The Apollo Server of the subgraph, not yet started: the Federation 2 schema, the request
 * limits, the one error formatter, and the plugins in the order they must run.
 */
export async function createApolloServer({ config, http, logger, metrics }: ApolloParts): Promise<ApolloServer<GraphQLContext>> {
  const { security } = config;
  const limits = requestLimitProtections({ ...security.limits, maxAccounts: config.maxAccountsPerQuery });
  const schemaOptions = {
    maxRepresentations: security.limits.maxRepresentations,
    authDirectives: security.federationAuthDirectives,
    providers: config.providers,
  };
  const schema = await buildBillingSchema(schemaOptions);
  const executor = new CompiledExecutor({
    mode: config.graphqlExecutor,
    schema,
    // A second instance only when it is used; see CompiledExecutorOptions.compileSchema.
    compileSchema: config.graphqlExecutor === 'compiled' ? await buildBillingSchema(schemaOptions) : schema,
    compileAfter: config.graphqlCompileAfter,
    observe: (path, reason) => metrics.execution(path, reason),
  });
  return new ApolloServer<GraphQLContext>({
    // Apollo parses, validates, runs the plugins and formats errors; the executor only executes.
    gateway: executor.gateway(),
    includeStacktraceInErrorResponses: false,
    // main.ts owns SIGTERM/SIGINT; Apollo's own handlers would race it and re-raise the signal.
    stopOnTerminationSignals: false,
    introspection: security.introspection,
    validationRules: limits.validationRules,
    parseOptions: limits.parseOptions,
    logger,
    formatError: createErrorFormatter((error) => {
      // Only unexpected errors land here; BillingErrors are expected and already carry their code.
      if (!(error instanceof BillingError)) logger.error({ err: error }, 'unexpected error in a resolver');
    }),
    plugins: [
      fastifyApolloDrainPlugin(http),
      landingPagePlugin(config),
      requestLogPlugin(logger, metrics),
      // After the request log, so that logs and metrics count every error before the cut.
      errorBudgetPlugin(),
      // Apollo's own cache-control plugin runs on every field; ours reads each account once.
      ApolloServerPluginCacheControlDisabled(),
      cacheControlHeaderPlugin<GraphQLContext>(),
      ...(limits.plugins as ApolloServerPlugin<GraphQLContext>[]),
    ],
  });
}
