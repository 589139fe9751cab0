import { print } from 'graphql';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { request } from 'undici';
import { loadConfig } from '../../src/config/config';
import type { AccountEntry } from '../../src/domain/account-entry';
import { Secret } from '../../src/domain/secret';
import { installedProvider } from '../../src/providers/installed';
import { FakeUpstream } from '../../src/sandbox';
import { createApp, type BillingApp } from '../../src/server/app';
import { createLogger } from '../../src/server/logger';
import { CANARY_KEY, CANARY_SECRET, FORBIDDEN } from './canary';
import type { Provider } from '../generated/operations';
import type { GraphQLResponse } from './harness';
import { executorEnv } from './executor';

export { FakeUpstream, Gate, faults } from '../../src/sandbox';
export type { Fault, FaultContext } from '../../src/sandbox';

// ---------------------------------------------------------------------------------------------
// Canary accounts: one key pair per account, every one recognisable.
// ---------------------------------------------------------------------------------------------

/** An account of the fault suite: what the subgraph is configured with and what the fake expects. */
export interface FaultAccount {
  readonly provider: Provider;
  readonly accountId: string;
  readonly key: string;
  readonly secret: string;
}

/**
 * Canary credentials for one account: the shared canary values with the account's tag appended,
 * so each account is told apart by the fakes and every one is still caught by the canary check.
 * The account id never contains a canary word: it is meant to be echoed in errors.
 */
export function faultAccount(provider: Provider, tag: string): FaultAccount {
  const accountId = `${provider === 'DIGIDONAR' ? 'dd' : 'sv'}-${tag}`;
  return { provider, accountId, key: `${CANARY_KEY}-${accountId}`, secret: `${CANARY_SECRET}-${accountId}` };
}

/** The registry entry for a fault account. */
export function faultEntry(account: FaultAccount): AccountEntry {
  return {
    provider: account.provider,
    accountId: account.accountId,
    key: new Secret(account.key),
    secret: new Secret(account.secret),
    description: null,
  };
}

/** Every form in which one account's credentials can travel: raw, URL-encoded, form-encoded, Basic token. */
export function credentialForms(account: Pick<FaultAccount, 'key' | 'secret'>): string[] {
  const form = (value: string) => new URLSearchParams({ v: value }).toString().slice(2);
  return [
    account.key,
    account.secret,
    encodeURIComponent(account.key),
    encodeURIComponent(account.secret),
    form(account.key),
    form(account.secret),
    Buffer.from(`${account.key}:${account.secret}`).toString('base64'),
  ];
}

/** What every Basic token of a fault account starts with: the base64 of the shared canary prefix. */
const BASIC_PREFIX = (() => {
  const prefix = Buffer.from(`${CANARY_KEY}-`);
  const whole = prefix.length - (prefix.length % 3);
  return prefix.subarray(0, whole).toString('base64');
})();

/** The canary forms to look for: the shared ones, the shared prefixes, and each account's own. */
export function forbiddenForms(accounts: readonly FaultAccount[]): string[] {
  const shared = [
    ...FORBIDDEN,
    encodeURIComponent(CANARY_SECRET),
    new URLSearchParams({ v: CANARY_SECRET }).toString().slice(2),
    's3cr%26t',
    BASIC_PREFIX,
  ];
  return [...new Set([...shared, ...accounts.flatMap(credentialForms)])];
}

/** The canary forms found in a text, each once. */
export function findCanaries(text: string, forms: readonly string[]): string[] {
  return forms.filter((form) => text.includes(form));
}

// ---------------------------------------------------------------------------------------------
// Fault upstreams: each installed provider's one fake (src/sandbox), knowing the fault accounts.
// ---------------------------------------------------------------------------------------------

/** Starts the fake of one installed provider, knowing the accounts of this list that are its own. */
export function startFaultUpstream(provider: Provider, accounts: readonly FaultAccount[]): Promise<FakeUpstream> {
  return FakeUpstream.start(installedProvider(provider).fake, { accounts });
}

/** A body a healthy account's fake answers with (the snapshot's, or `invoices`: Simpsy's three invoices). */
export function successBody(provider: Provider, accountId: string, endpoint: 'snapshot' | 'invoices' = 'snapshot'): unknown {
  return installedProvider(provider).fake.healthyBodies(accountId)[endpoint];
}

/** One invoice as Simpsy's `/billing/invoice` lists it. */
export interface WireInvoice {
  invoice_id: string | number;
  date: string | null;
  amount: string | number | null;
  status: string | null;
  invoice_url: string | null;
}

/** `n` invoices, one a month back from May 2024, newest first: ids INV-<n> down to INV-1, alternately Paid and Unpaid. */
export function wireInvoices(n: number): WireInvoice[] {
  return Array.from({ length: n }, (_, i) => {
    const number = n - i;
    const month = new Date(Date.UTC(2024, 4 - i, 15)).toISOString().slice(0, 10);
    return {
      invoice_id: `INV-${number}`,
      date: month,
      amount: `$${number}.81`,
      status: number % 2 === 0 ? 'Paid' : 'Unpaid',
      invoice_url: `https://voice.simpsy.example/invoices/INV-${number}.pdf`,
    };
  });
}

/** Simpsy's success envelope around a `result`. */
export function simpsyEnvelope(result: unknown): unknown {
  return { status: '200', message: 'Success', result };
}

/** A loopback port that nothing listens on: one a fake had, then gave back. */
export async function closedPort(): Promise<number> {
  const fake = await FakeUpstream.start(installedProvider('DIGIDONAR').fake, { accounts: [] });
  const { port } = fake;
  await fake.close();
  return port;
}

// ---------------------------------------------------------------------------------------------
// The subgraph over the two fakes.
// ---------------------------------------------------------------------------------------------

/** A GraphQL response with how long it took. */
export interface TimedResponse<TData> extends GraphQLResponse<TData> {
  readonly elapsedMs: number;
}

/** The billing subgraph on a loopback port, over two fault upstreams instead of the sandbox. */
export interface FaultSubgraph {
  readonly app: BillingApp;
  readonly url: string;
  query<TData, TVariables>(
    document: TypedDocumentNode<TData, TVariables>,
    variables: TVariables,
  ): Promise<TimedResponse<TData>>;
  close(): Promise<void>;
}

/** Starts the subgraph with these accounts, pointed at the fakes, logging at trace to `logDestination`. */
export async function startFaultSubgraph(options: {
  digidonar: FakeUpstream;
  simpsy: FakeUpstream;
  accounts: readonly FaultAccount[];
  env: Record<string, string>;
  logDestination: { write(line: string): void };
}): Promise<FaultSubgraph> {
  const config = loadConfig({
    ...executorEnv(),
    ...Object.fromEntries([options.digidonar, options.simpsy].map((fake) => [`${fake.provider}_BASE_URL`, fake.baseUrl])),
    // Attempt counts are per request: no snapshot may come from an earlier one (cache tests turn it on).
    UPSTREAM_CACHE_TTL_SECONDS: '0',
    ...options.env,
  });
  const logger = createLogger({ level: 'trace', destination: options.logDestination });
  const app = await createApp({ config, accounts: options.accounts.map(faultEntry), logger });
  await app.http.listen({ host: '127.0.0.1', port: 0 });
  const address = app.http.server.address();
  if (typeof address !== 'object' || address === null) throw new Error('no address');
  const url = `http://127.0.0.1:${address.port}/graphql`;

  return {
    app,
    url,
    async query(document, variables) {
      const started = performance.now();
      const response = await request(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: print(document), variables }),
      });
      const text = await response.body.text();
      const elapsedMs = performance.now() - started;
      const parsed = JSON.parse(text) as Omit<GraphQLResponse<never>, 'status' | 'text'>;
      return { ...parsed, status: response.statusCode, text, elapsedMs } as TimedResponse<never>;
    },
    close: () => app.close(),
  };
}
