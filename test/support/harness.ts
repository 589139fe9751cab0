import { print } from 'graphql';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { request } from 'undici';
import { loadConfig } from '../../src/config/config';
import type { AccountEntry } from '../../src/domain/account-entry';
import { Secret } from '../../src/domain/secret';
import { startSandbox, type Sandbox } from '../../src/sandbox';
import { INSTALLED_PROVIDERS } from '../../src/providers/installed';
import type { ProviderModule } from '../../src/providers/provider-module';
import { createApp, type BillingApp } from '../../src/server/app';
import { createLogger } from '../../src/server/logger';
import { executorEnv } from './executor';

/** A GraphQL response as a client sees it. */
export interface GraphQLResponse<TData> {
  status: number;
  data?: TData | null;
  errors?: Array<{ message: string; path?: Array<string | number>; extensions?: Record<string, unknown> }>;
  text: string;
}

/** The billing subgraph on a real loopback port, over the sandbox upstreams. */
export interface Harness {
  sandbox: Sandbox;
  app: BillingApp;
  url: string;
  /** Posts an operation to /graphql over real HTTP. */
  query<TData, TVariables>(
    document: TypedDocumentNode<TData, TVariables> | string,
    variables?: TVariables,
  ): Promise<GraphQLResponse<TData>>;
  /** Upstream calls the sandbox has served so far, every provider. */
  upstreamCalls(): number;
  close(): Promise<void>;
}

/** The sandbox's demo accounts as registry entries. */
export function sandboxEntries(sandbox: Sandbox): AccountEntry[] {
  return sandbox.accounts.map((account) => ({
    provider: account.provider,
    accountId: account.accountId,
    key: new Secret(account.key),
    secret: new Secret(account.secret),
    description: account.description,
  }));
}

/** Starts sandbox upstreams and the subgraph; `extraAccounts` adds entries (e.g. with wrong credentials). */
export async function startHarness(options: {
  /** The provider list, the installed one by default (a test may add a provider of its own). */
  providers?: readonly ProviderModule[];
  extraAccounts?: (sandbox: Sandbox) => AccountEntry[];
  env?: Record<string, string>;
  latencyMs?: number;
  /** Where log lines go; silent when not given. */
  logDestination?: { write(line: string): void };
} = {}): Promise<Harness> {
  const providers = options.providers ?? INSTALLED_PROVIDERS;
  const sandbox = await startSandbox({ providers, latencyMs: options.latencyMs ?? 0 });
  const config = loadConfig({
    ...executorEnv(),
    ...sandbox.env,
    LOG_LEVEL: 'silent',
    // Tests that count upstream calls across requests need every request to ask; the cache's own tests turn it on.
    UPSTREAM_CACHE_TTL_SECONDS: '0',
    ...options.env,
  }, providers);
  const accounts = [...sandboxEntries(sandbox), ...(options.extraAccounts?.(sandbox) ?? [])];
  const logger = options.logDestination
    ? createLogger({ level: 'trace', destination: options.logDestination })
    : createLogger({ level: 'silent' });
  const app = await createApp({ config, accounts, logger });
  await app.http.listen({ host: '127.0.0.1', port: 0 });
  const address = app.http.server.address();
  if (typeof address !== 'object' || address === null) throw new Error('no address');
  const url = `http://127.0.0.1:${address.port}/graphql`;

  return {
    sandbox,
    app,
    url,
    async query(document, variables) {
      const response = await request(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: typeof document === 'string' ? document : print(document), variables }),
      });
      const text = await response.body.text();
      const parsed = JSON.parse(text) as Omit<GraphQLResponse<never>, 'status' | 'text'>;
      return { ...parsed, status: response.statusCode, text } as GraphQLResponse<never>;
    },
    upstreamCalls: () => providers.reduce((sum, module) => sum + sandbox.requestCount(module.id), 0),
    async close() {
      await app.close();
      await sandbox.close();
    },
  };
}
