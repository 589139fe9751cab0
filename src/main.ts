import './runtime/require-supported-node';
import { shutdownTracing } from './observability/tracing';
import 'reflect-metadata';
import type { Logger } from 'pino';
import { loadAccountsFile } from './config/accounts-file';
import { loadConfig, type AppConfig } from './config/config';
import { ConfigError } from './config/config-error';
import type { AccountEntry } from './domain/account-entry';
import { wordList } from './domain/provider';
import { Secret } from './domain/secret';
import { startSandbox, type Sandbox } from './sandbox';
import { createApp, type BillingApp } from './server/app';
import { createLogger } from './server/logger';

interface Resolved {
  config: AppConfig;
  accounts: AccountEntry[];
  sandbox: Sandbox | null;
}

/** Reads the accounts file, or starts the built-in sandbox when none is named (never in production). */
async function resolveAccounts(config: AppConfig, logger: Logger): Promise<Resolved> {
  if (config.accountsFile !== null) {
    const providers = config.providers.map((module) => module.id);
    return { config, accounts: loadAccountsFile(config.accountsFile, process.env, providers), sandbox: null };
  }
  // A production deployment that lost its accounts file must not come up answering with demo data.
  if (config.nodeEnv === 'production') {
    throw new ConfigError(
      'NODE_ENV=production needs ACCOUNTS_FILE: without it this process would serve the built-in sandbox\'s demo accounts',
    );
  }
  // Each provider module brings its fake; the sandbox starts one per provider of the list.
  const sandbox = await startSandbox({ providers: config.providers, latencyMs: config.sandboxLatencyMs });
  const names = wordList(config.providers.map((module) => module.displayName), 'and');
  logger.warn(
    { baseUrls: sandbox.baseUrls, accounts: sandbox.accounts.length },
    `SANDBOX MODE: no ACCOUNTS_FILE is set, so built-in fake ${names} servers on loopback serve demo accounts`,
  );
  const accounts = sandbox.accounts.map((account) => ({
    provider: account.provider,
    accountId: account.accountId,
    key: new Secret(account.key),
    secret: new Secret(account.secret),
    description: account.description,
  }));
  return {
    config: {
      ...config,
      upstreams: Object.fromEntries(
        Object.entries(config.upstreams).map(([id, settings]) => [id, { ...settings, baseUrl: sandbox.baseUrls[id] ?? settings.baseUrl }]),
      ),
    },
    accounts,
    sandbox,
  };
}

/**
 * Stops start-up over a configuration problem: one line on stderr that names the setting (a
 * ConfigError never quotes a secret), no stack trace, exit code 1.
 */
function refuseToStart(error: ConfigError): never {
  process.stderr.write(`billing-subgraph: ${error.message.replace(/\s*[\r\n]+\s*/g, ' ')}\n`);
  process.exit(1);
}

async function main(): Promise<void> {
  let config: AppConfig;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) refuseToStart(error);
    throw error;
  }
  const logger = createLogger({
    level: config.logLevel,
    pretty: config.nodeEnv !== 'production' && process.stdout.isTTY === true,
  });

  let resolved: Resolved;
  let app: BillingApp;
  try {
    resolved = await resolveAccounts(config, logger);
    app = await createApp({ config: resolved.config, accounts: resolved.accounts, logger });
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    logger.flush();
    refuseToStart(error);
  }

  await app.http.listen({ host: config.host, port: config.port });
  const address = app.http.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  logger.info(
    {
      url: `http://localhost:${port}/graphql`,
      accounts: resolved.accounts.map((a) => `${a.provider}:${a.accountId}`),
    },
    `billing subgraph ready at http://localhost:${port}/graphql`,
  );

  let stopping = false;
  let endDelay: (() => void) | undefined;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) {
      // A second signal (an impatient operator) cuts the drain delay short.
      endDelay?.();
      return;
    }
    stopping = true;
    // An orchestrator sends SIGTERM while load balancers (kube-proxy on every node, the router's
    // pooled connections) still route here for a few seconds: keep serving them, unready, for the
    // delay. SIGINT is a person at a terminal, who has no load balancer to wait for.
    const drainDelayMs = signal === 'SIGTERM' ? config.shutdownDrainDelayMs : 0;
    app.drain();
    logger.info(
      { signal, drainDelayMs, timeoutMs: config.shutdownTimeoutMs },
      'shutting down: readiness now 503, still serving for the drain delay, then finishing requests in flight',
    );
    const delay = new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, drainDelayMs);
      endDelay = () => {
        clearTimeout(timer);
        resolve();
      };
    });
    void delay.then(() => {
      logger.info('drain delay over: no new connections, finishing requests in flight');
      // Past the deadline, requests still running are abandoned rather than holding the exit.
      setTimeout(() => {
        logger.error('shutdown deadline passed with requests still in flight; exiting');
        process.exit(1);
      }, config.shutdownTimeoutMs).unref();
      // The sandbox goes last: requests in flight may still be waiting on it.
      app
        .close()
        .then(() => resolved.sandbox?.close())
        // Spans still batched go out before the exit.
        .then(() => shutdownTracing())
        .then(() => {
          logger.info('stopped');
          process.exit(0);
        })
        .catch((error: unknown) => {
          logger.error({ err: error }, 'error during shutdown');
          process.exit(1);
        });
    });
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

main().catch((error: unknown) => {
  process.stderr.write(`billing-subgraph: failed to start: ${(error as Error)?.stack ?? String(error)}\n`);
  process.exit(1);
});
