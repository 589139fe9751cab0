import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { print } from 'graphql';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { request } from 'undici';
import { loadConfig } from '../../src/config/config';
import type { AccountEntry } from '../../src/domain/account-entry';
import type { Provider } from '../../src/domain/provider';
import { Secret } from '../../src/domain/secret';
import { createApp, type BillingApp } from '../../src/server/app';
import { createLogger } from '../../src/server/logger';
import { CANARY_KEY, CANARY_SECRET, FORBIDDEN } from './canary';
import type { GraphQLResponse } from './harness';

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
// Fault upstreams: node:http servers answering per account.
// ---------------------------------------------------------------------------------------------

/** One open latch: faults that wait on it answer once it is opened. */
export class Gate {
  #open!: () => void;
  readonly opened = new Promise<void>((resolve) => (this.#open = resolve));
  open(): void {
    this.#open();
  }
}

/** Which endpoint a request asked for: the account snapshot (Digidonar profile, Simpsy details) or Simpsy's invoices. */
export type Endpoint = 'snapshot' | 'invoices';

/** What a fault gets to work with. */
export interface FaultContext {
  readonly provider: Provider;
  readonly endpoint: Endpoint;
  /** The account the credentials of this request belong to. */
  readonly account: FaultAccount;
  /** 1 for the account's first request to this endpoint since the last reset. */
  readonly attempt: number;
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  readonly socket: Socket;
  /** Schedules work that stops when the response closes or the fake closes. */
  every(ms: number, tick: () => void): void;
}

/** How the fake answers one request. */
export type Fault = (context: FaultContext) => void;

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

/** A body served with a 200 when an account is healthy (`invoices`: Simpsy's invoice list, three invoices). */
export function successBody(provider: Provider, accountId: string, endpoint: Endpoint = 'snapshot'): unknown {
  if (endpoint === 'invoices') return simpsyEnvelope(wireInvoices(3));
  if (provider === 'DIGIDONAR') {
    return {
      login_account: {
        account_id: accountId,
        admin_email: 'ops@example.test',
        admin_Fname: 'Asha',
        admin_Lname: 'Iyer',
        admin_number: '9845012345',
        company_name: `Company ${accountId}`,
        company_address: 'Pune, India',
        sms_coins: '100',
        obd_coins: '100',
        voip_coins: '100',
        clicktocall_coins: '100',
        call_coins: '100',
        avail_sms_coins: '50',
        avail_obd_coins: '50',
        avail_voip_coins: '50',
        avail_clicktocall_coins: '50',
        avail_call_coins: '50',
        service_order: 'Yearly',
        create_at: '2024-01-02 10:00:00',
        updated_on: '2024-02-03 11:00:00',
        expired_on: '2030-12-31 00:00:00',
      },
      desk_phone: '01206851234',
      did_no: '00911206851235',
      type: 'success',
    };
  }
  return {
    status: '200',
    message: 'Success',
    result: [
      {
        call_route: 'Normal',
        payment_method: 'Visa',
        payment_details: '411111******1111',
        creditlimit: '$139.90',
        billingcycle: '2018-04-08',
        plan: { name: `Plan ${accountId}`, price: '$24.90', no_of_agents: '5', storage: '3GB', crm: '0' },
        addon: {
          agents: { no_of_agents: '10', price_per_agent: '$4.90', total_agent_price: '$49.00' },
          storage: { no_of_storage: '7GB', price_per_gb: '$8.00', total_storage_price: '$56.00' },
          crm: { no_of_crm: '1', total_storage_price: '$10.00' },
          did: [
            { number: '1234567', country: 'United States', monthly: '$15.90' },
            { number: '651234567', country: 'Singapore', monthly: '$21.90' },
          ],
        },
        total_monthly: '$177.70',
      },
    ],
  };
}

function send(res: ServerResponse, status: number, body: string, headers: Record<string, string>): void {
  if (res.destroyed || res.writableEnded) return;
  res.writeHead(status, { 'content-length': String(Buffer.byteLength(body)), ...headers });
  res.end(body);
}

/** The faults, each a function of the request. */
export const faults = {
  /** The account's normal answer (for the endpoint asked). */
  ok: (): Fault => (c) =>
    send(c.res, 200, JSON.stringify(successBody(c.provider, c.account.accountId, c.endpoint)), {
      'content-type': 'application/json',
    }),

  /** Accepts the request and never answers. */
  hang: (): Fault => () => undefined,

  /** Closes the connection without sending a byte. */
  closeBeforeHeaders: (): Fault => (c) => c.socket.destroy(),

  /** Chunked 200, half of the body, then the connection is destroyed. */
  resetMidBody: (): Fault => (c) => {
    const body = JSON.stringify(successBody(c.provider, c.account.accountId));
    c.res.writeHead(200, { 'content-type': 'application/json' });
    c.res.write(body.slice(0, body.length >> 1), () => c.socket.destroy());
  },

  /** A Content-Length larger than the body, then a clean end of the connection. */
  truncated: (): Fault => (c) => {
    const body = JSON.stringify(successBody(c.provider, c.account.accountId));
    const head = `HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: ${body.length + 500}\r\nconnection: close\r\n\r\n`;
    c.socket.end(head + body);
  },

  /** A 200 whose body comes one byte every `everyMs`, forever: never silent long enough for a body timeout. */
  drip: (everyMs = 100): Fault => (c) => {
    c.res.writeHead(200, { 'content-type': 'application/json' });
    c.res.write('{');
    c.every(everyMs, () => c.res.write(' '));
  },

  /** A JSON body with any status. */
  json: (status: number, body: unknown, headers: Record<string, string> = {}): Fault => (c) =>
    send(c.res, status, JSON.stringify(body), { 'content-type': 'application/json', ...headers }),

  /** Any text with any status and type. */
  text: (status: number, contentType: string, body: string, headers: Record<string, string> = {}): Fault => (c) =>
    send(c.res, status, body, { 'content-type': contentType, ...headers }),

  /** A 200 JSON body of `bytes` bytes, with a Content-Length or chunked. */
  oversized: (bytes: number, chunked = false): Fault => (c) => {
    const body = `{"pad":"${'x'.repeat(bytes)}"}`;
    if (!chunked) return send(c.res, 200, body, { 'content-type': 'application/json' });
    c.res.writeHead(200, { 'content-type': 'application/json' });
    for (let at = 0; at < body.length; at += 8192) c.res.write(body.slice(at, at + 8192));
    c.res.end();
  },

  /**
   * The account's normal answer with some values replaced: `values` maps a dotted path into the
   * body ("result.0.total_monthly", "desk_phone") to what to put there. A hostile provider's
   * answer, well-formed but for those values. `sent` opens once the whole body is written.
   */
  patched: (values: Record<string, unknown>, sent?: Gate): Fault => (c) => {
    const body = successBody(c.provider, c.account.accountId, c.endpoint);
    for (const [path, value] of Object.entries(values)) setPath(body, path, value);
    if (sent) c.res.once('finish', () => sent.open());
    send(c.res, 200, JSON.stringify(body), { 'content-type': 'application/json' });
  },

  /** Holds the request until the gate opens, then answers normally. */
  held: (gate: Gate): Fault => (c) => {
    void gate.opened.then(() => faults.ok()(c));
  },
};

/** Sets the value at a dotted path ("result.0.plan.price") of a JSON body, creating objects on the way. */
function setPath(body: unknown, path: string, value: unknown): void {
  const keys = path.split('.');
  let at = body as Record<string, unknown>;
  for (const key of keys.slice(0, -1)) {
    at[key] ??= {};
    at = at[key] as Record<string, unknown>;
  }
  at[keys[keys.length - 1] as string] = value;
}

const DIGIDONAR_PATH = '/api_v2/profile_billing_v2';
const SIMPSY_BASE_PATH = '/api/v1';
const SIMPSY_PATH = `${SIMPSY_BASE_PATH}/billing/details`;
const SIMPSY_INVOICE_PATH = `${SIMPSY_BASE_PATH}/billing/invoice`;

/** The key and secret of a request as they came over the wire, undecoded where the wire encodes. */
interface WireCredentials {
  key: string;
  secret: string;
  /** The credentials exactly as sent: the Basic token, or the raw `key=` and `secret=` values. */
  forms: string[];
}

function readCredentials(provider: Provider, req: IncomingMessage): WireCredentials | undefined {
  if (provider === 'DIGIDONAR') {
    const match = /^Basic ([A-Za-z0-9+/=]+)$/.exec(req.headers.authorization ?? '');
    if (!match?.[1]) return undefined;
    const decoded = Buffer.from(match[1], 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0) return undefined;
    return { key: decoded.slice(0, colon), secret: decoded.slice(colon + 1), forms: [match[1]] };
  }
  const url = req.url ?? '';
  const query = url.includes('?') ? url.slice(url.indexOf('?') + 1) : '';
  const raw = new Map(query.split('&').map((pair) => [pair.split('=')[0] ?? '', pair.slice(pair.indexOf('=') + 1)]));
  const parsed = new URLSearchParams(query);
  const key = parsed.get('key');
  const secret = parsed.get('secret');
  if (key === null || secret === null) return undefined;
  return { key, secret, forms: [raw.get('key') ?? '', raw.get('secret') ?? ''] };
}

/**
 * A fake provider on 127.0.0.1 (port 0) that tells accounts apart by their key and answers each
 * with its own planned faults, in order (the last one repeats), per endpoint (Simpsy's
 * `/billing/invoice` beside the snapshot endpoint). Unplanned accounts are healthy.
 */
export class FaultUpstream {
  readonly provider: Provider;
  /** A fault for every account at once (a provider that is down), ahead of the per-account plans. */
  everyone: Fault | undefined;
  /** Credentials exactly as they came over the wire since the last reset. */
  readonly wireForms = new Set<string>();

  readonly #server: Server;
  readonly #accounts = new Map<string, FaultAccount>();
  readonly #plans = new Map<string, Fault[]>();
  /** Per endpoint and account key ("invoices|<key>"). */
  readonly #attempts = new Map<string, number>();
  readonly #arrivals = new Map<string, number[]>();
  readonly #sockets = new Set<Socket>();
  readonly #timers = new Set<NodeJS.Timeout>();
  readonly #answering = new Set<ServerResponse>();
  #unknown = 0;

  private constructor(provider: Provider, server: Server) {
    this.provider = provider;
    this.#server = server;
    server.on('connection', (socket: Socket) => {
      this.#sockets.add(socket);
      socket.once('close', () => this.#sockets.delete(socket));
    });
    // A client that goes away mid-answer is part of the game here.
    server.on('clientError', (_error, socket: Socket) => socket.destroy());
    server.on('request', (req: IncomingMessage, res: ServerResponse) => this.#onRequest(req, res));
  }

  /** Starts a fake for one provider, knowing these accounts. */
  static async start(provider: Provider, accounts: readonly FaultAccount[]): Promise<FaultUpstream> {
    const server = createServer();
    const fake = new FaultUpstream(provider, server);
    for (const account of accounts) if (account.provider === provider) fake.#accounts.set(account.key, account);
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
    return fake;
  }

  /** The base URL the subgraph is given (Simpsy's carries its /api/v1 prefix). */
  get baseUrl(): string {
    const origin = `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
    return this.provider === 'SIMPSY' ? `${origin}${SIMPSY_BASE_PATH}` : origin;
  }

  /** Plans an account's snapshot answers: the n-th request gets the n-th fault, and the last one repeats. */
  plan(account: FaultAccount, ...sequence: Fault[]): void {
    this.#plans.set(slot('snapshot', account.key), sequence);
  }

  /** Plans an account's answers to `/billing/invoice`, like plan(). */
  planInvoices(account: FaultAccount, ...sequence: Fault[]): void {
    this.#plans.set(slot('invoices', account.key), sequence);
  }

  /** Requests that arrived for an account since the last reset: to one endpoint, or to any. */
  attempts(account: FaultAccount, endpoint?: Endpoint): number {
    const endpoints: Endpoint[] = endpoint ? [endpoint] : ['snapshot', 'invoices'];
    return endpoints.reduce((sum, e) => sum + (this.#attempts.get(slot(e, account.key)) ?? 0), 0);
  }

  /** Invoice requests that arrived for any account since the last reset. */
  totalInvoiceAttempts(): number {
    let total = 0;
    for (const [key, count] of this.#attempts) if (key.startsWith('invoices|')) total += count;
    return total;
  }

  /** When each request of an account arrived (performance.now()), since the last reset. */
  arrivals(account: FaultAccount): number[] {
    return this.#arrivals.get(account.key) ?? [];
  }

  /** Requests that arrived for any account since the last reset. */
  totalAttempts(): number {
    let total = this.#unknown;
    for (const count of this.#attempts.values()) total += count;
    return total;
  }

  /** Requests being answered right now (arrived, response not yet closed). */
  get inFlight(): number {
    return this.#answering.size;
  }

  /** Resolves once `count` requests are in flight; rejects after `timeoutMs`. */
  async waitForInFlight(count: number, timeoutMs = 5000): Promise<void> {
    const until = Date.now() + timeoutMs;
    while (this.inFlight < count) {
      if (Date.now() > until) throw new Error(`only ${this.inFlight} of ${count} requests arrived`);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }

  /** Whether every request in flight is closed (by the client) within `timeoutMs`. */
  async drained(timeoutMs: number): Promise<boolean> {
    const until = Date.now() + timeoutMs;
    while (this.inFlight > 0 && Date.now() <= until) await new Promise((resolve) => setTimeout(resolve, 5));
    return this.inFlight === 0;
  }

  /** Destroys the connections of requests still being answered (a hang or drip the client never cut). */
  abortInFlight(): void {
    for (const res of this.#answering) res.socket?.destroy();
  }

  /** Forgets plans, counts and wire forms; every account is healthy again. */
  reset(): void {
    this.everyone = undefined;
    this.#plans.clear();
    this.#attempts.clear();
    this.#arrivals.clear();
    this.#unknown = 0;
    this.wireForms.clear();
  }

  /** Stops listening, destroys every connection and stops every timer. */
  async close(): Promise<void> {
    for (const timer of this.#timers) clearInterval(timer);
    this.#timers.clear();
    const closed = new Promise<void>((resolve) => this.#server.close(() => resolve()));
    this.#server.closeAllConnections();
    for (const socket of this.#sockets) socket.destroy();
    await closed;
  }

  #onRequest(req: IncomingMessage, res: ServerResponse): void {
    this.#answering.add(res);
    res.once('close', () => this.#answering.delete(res));
    res.on('error', () => undefined);

    const credentials = readCredentials(this.provider, req);
    const account = credentials && this.#accounts.get(credentials.key);
    const path = (req.url ?? '').split('?')[0];
    const endpoint: Endpoint = this.provider === 'SIMPSY' && path === SIMPSY_INVOICE_PATH ? 'invoices' : 'snapshot';
    if (account) {
      const counted = slot(endpoint, account.key);
      this.#attempts.set(counted, (this.#attempts.get(counted) ?? 0) + 1);
      this.#arrivals.set(account.key, [...this.arrivals(account), performance.now()]);
    } else {
      this.#unknown += 1;
    }
    for (const form of credentials?.forms ?? []) this.wireForms.add(form);

    // Read the request body whole first, as a real server would.
    req.resume();
    req.once('end', () => {
      const paths = this.provider === 'DIGIDONAR' ? [DIGIDONAR_PATH] : [SIMPSY_PATH, SIMPSY_INVOICE_PATH];
      if (!paths.includes(path ?? '')) return send(res, 404, '{"message":"Not found"}', { 'content-type': 'application/json' });
      if (!account || account.secret !== credentials.secret) {
        // Wrong credentials would be a bug of the subgraph, and show as UNAUTHORIZED in the tests.
        return send(res, 401, '{"status":"401","type":"error","message":"Invalid credentials"}', {
          'content-type': 'application/json',
        });
      }
      const sequence = this.#plans.get(slot(endpoint, account.key)) ?? [];
      const attempt = this.#attempts.get(slot(endpoint, account.key)) ?? 1;
      const fault = this.everyone ?? sequence[Math.min(attempt, sequence.length) - 1] ?? faults.ok();
      fault(this.#context(account, endpoint, attempt, req, res));
    });
  }

  #context(account: FaultAccount, endpoint: Endpoint, attempt: number, req: IncomingMessage, res: ServerResponse): FaultContext {
    const timers = this.#timers;
    const track = (timer: NodeJS.Timeout) => {
      timers.add(timer);
      res.once('close', () => {
        clearInterval(timer);
        timers.delete(timer);
      });
    };
    return {
      provider: this.provider,
      endpoint,
      account,
      attempt,
      req,
      res,
      socket: req.socket,
      every: (ms, tick) =>
        track(
          setInterval(() => {
            if (!res.destroyed && !res.writableEnded) tick();
          }, ms),
        ),
    };
  }
}

/** The key of one endpoint's plan or count for one account. */
function slot(endpoint: Endpoint, key: string): string {
  return `${endpoint}|${key}`;
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
  digidonar: FaultUpstream;
  simpsy: FaultUpstream;
  accounts: readonly FaultAccount[];
  env: Record<string, string>;
  logDestination: { write(line: string): void };
}): Promise<FaultSubgraph> {
  const config = loadConfig({
    DIGIDONAR_BASE_URL: options.digidonar.baseUrl,
    SIMPSY_BASE_URL: options.simpsy.baseUrl,
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
