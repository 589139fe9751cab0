import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { faults, type Fault, type FaultContext } from './faults';
import { safeEqual } from './http';
import type { FakeAccount, FakeRequest, FakeResponse, ProviderFake, WireCredentials } from './provider-fake';

/** What the fake saw of one request. */
export interface RecordedRequest {
  readonly method: string;
  /** The request target as sent: path plus query string. */
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

/** How to start a fake upstream. */
export interface FakeUpstreamOptions {
  /**
   * The accounts it knows; an account whose `provider` names another provider is left out, so
   * one list can start every provider's fake. The provider's demo accounts when not given.
   */
  readonly accounts?: ReadonlyArray<FakeAccount & { readonly provider?: string }>;
  /** Delay before every answer (the floor of the response time), for demos and benchmarks. */
  readonly latencyMs?: number;
  /** Interface to listen on; 127.0.0.1 by default, so a fake is never reachable from outside. */
  readonly host?: string;
}

/** Requests are read whole up to this size; a larger one is refused with the provider's 413. */
const MAX_REQUEST_BYTES = 64 * 1024;

const INTERNAL_ERROR: FakeResponse = { status: 500, body: { message: 'Internal sandbox error' } };

/** The key of one endpoint's plan or count for one account. */
const slot = (endpoint: string, key: string) => `${endpoint}|${key}`;

/** The base URL's host part: an IPv6 address goes in brackets. */
const urlHost = (host: string) => (host.includes(':') ? `[${host}]` : host);

/**
 * One provider's fake on a loopback port (port 0): the sandbox's demo server, the tests' fault
 * upstream and the benchmarks' upstream are all this. It answers as the provider documents
 * (routes, credentials, refusals, the account's bodies from the sample files), after an optional
 * latency, unless a fault is planned: for one account's n-th request to an endpoint (`plan`), or
 * for every request at once (`everyone`, a provider that is down, answered before any routing).
 * It counts what arrives and records the last request, for tests.
 */
export class FakeUpstream {
  readonly provider: string;
  /** A fault for every request at once, before routes and credentials (a provider that is down). */
  everyone: Fault | undefined;
  /** Credentials exactly as they came over the wire since the last reset. */
  readonly wireForms = new Set<string>();
  /** The last request that arrived, read whole. */
  lastRequest: RecordedRequest | undefined;

  readonly #fake: ProviderFake;
  readonly #server: Server;
  readonly #host: string;
  readonly #latencyMs: number;
  readonly #accounts: ReadonlyMap<string, FakeAccount>;
  readonly #plans = new Map<string, readonly Fault[]>();
  /** Per endpoint and account key ("invoices|<key>"). */
  readonly #attempts = new Map<string, number>();
  readonly #arrivals = new Map<string, number[]>();
  readonly #paths = new Map<string, number>();
  readonly #sockets = new Set<Socket>();
  readonly #timers = new Set<NodeJS.Timeout>();
  readonly #answering = new Set<ServerResponse>();
  /** Each body's JSON text, made once: the benchmarks ask for the same accounts again and again. */
  readonly #texts = new WeakMap<object, string>();
  #connections = 0;
  #unknown = 0;

  private constructor(fake: ProviderFake, options: FakeUpstreamOptions) {
    this.provider = fake.provider;
    this.#fake = fake;
    this.#host = options.host ?? '127.0.0.1';
    this.#latencyMs = Math.max(0, options.latencyMs ?? 0);
    const known: ReadonlyArray<FakeAccount & { readonly provider?: string }> = options.accounts ?? fake.demoAccounts;
    const accounts = known.filter((a) => a.provider === undefined || a.provider === fake.provider);
    this.#accounts = new Map(
      accounts.map((a) => [a.key, Object.freeze({ ...a, bodies: a.bodies ?? fake.healthyBodies(a.accountId) })]),
    );
    // No 'error' listener logs: a fake is silent, and Node's default for a bad request is a 400.
    this.#server = createServer();
    this.#server.on('connection', (socket: Socket) => {
      this.#connections += 1;
      this.#sockets.add(socket);
      socket.once('close', () => this.#sockets.delete(socket));
    });
    // A client that goes away mid-answer is part of the game here.
    this.#server.on('clientError', (_error, socket: Socket) => socket.destroy());
    this.#server.on('request', (req: IncomingMessage, res: ServerResponse) => this.#onRequest(req, res));
  }

  /** Starts a fake of one provider, knowing these accounts (its demo accounts by default). */
  static async start(fake: ProviderFake, options: FakeUpstreamOptions = {}): Promise<FakeUpstream> {
    const upstream = new FakeUpstream(fake, options);
    await new Promise<void>((resolve, reject) => {
      upstream.#server.once('error', reject);
      upstream.#server.listen(0, upstream.#host, () => {
        upstream.#server.off('error', reject);
        resolve();
      });
    });
    return upstream;
  }

  /** The port it listens on. */
  get port(): number {
    return (this.#server.address() as AddressInfo).port;
  }

  /** The origin, e.g. "http://127.0.0.1:41234". */
  get origin(): string {
    return `http://${urlHost(this.#host)}:${this.port}`;
  }

  /** The base URL a client is given: the origin plus the provider's base path (Simpsy's /api/v1). */
  get baseUrl(): string {
    return `${this.origin}${this.#fake.basePath}`;
  }

  /** The accounts it knows, bodies included. */
  get accounts(): readonly FakeAccount[] {
    return [...this.#accounts.values()];
  }

  /** Connections accepted since the last reset. */
  get connections(): number {
    return this.#connections;
  }

  /** Plans an account's snapshot answers: the n-th request gets the n-th fault, and the last one repeats. */
  plan(account: Pick<FakeAccount, 'key'>, ...sequence: Fault[]): void {
    this.#plans.set(slot('snapshot', account.key), sequence);
  }

  /** Plans an account's answers to the invoice endpoint, like plan(). */
  planInvoices(account: Pick<FakeAccount, 'key'>, ...sequence: Fault[]): void {
    this.#plans.set(slot('invoices', account.key), sequence);
  }

  /** Requests that arrived for an account since the last reset: to one endpoint, or to any. */
  attempts(account: Pick<FakeAccount, 'key'>, endpoint?: string): number {
    const endpoints = endpoint ? [endpoint] : Object.keys(this.#fake.endpoints);
    return endpoints.reduce((sum, e) => sum + (this.#attempts.get(slot(e, account.key)) ?? 0), 0);
  }

  /** When each request of an account arrived (performance.now()), since the last reset. */
  arrivals(account: Pick<FakeAccount, 'key'>): number[] {
    return this.#arrivals.get(account.key) ?? [];
  }

  /** Requests that arrived since the last reset; with `path` (e.g. "/billing/invoice"), those whose path ends so. */
  requestCount(path?: string): number {
    let total = 0;
    for (const [pathname, count] of this.#paths) if (path === undefined || pathname.endsWith(path)) total += count;
    return total;
  }

  /** Requests since the last reset whose credentials named no account it knows. */
  unknownCount(): number {
    return this.#unknown;
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

  /** Forgets faults, plans, counts, wire forms and the last request; every account is healthy again. */
  reset(): void {
    this.everyone = undefined;
    this.lastRequest = undefined;
    this.#plans.clear();
    this.#attempts.clear();
    this.#arrivals.clear();
    this.#paths.clear();
    this.#unknown = 0;
    this.#connections = 0;
    this.wireForms.clear();
  }

  /** Stops listening, destroys every connection (requests still waiting are never answered) and stops every timer. */
  async close(): Promise<void> {
    for (const timer of this.#timers) clearTimeout(timer);
    this.#timers.clear();
    if (!this.#server.listening) return;
    const closed = new Promise<void>((resolve) => this.#server.close(() => resolve()));
    // Keep-alive sockets would otherwise hold close() open until they time out.
    this.#server.closeAllConnections();
    for (const socket of this.#sockets) socket.destroy();
    await closed;
  }

  #onRequest(req: IncomingMessage, res: ServerResponse): void {
    this.#answering.add(res);
    res.once('close', () => this.#answering.delete(res));
    res.on('error', () => undefined);
    // The base is a placeholder: only path and query of the request matter.
    const url = new URL(req.url ?? '/', 'http://fake.invalid');
    this.#paths.set(url.pathname, (this.#paths.get(url.pathname) ?? 0) + 1);
    // Latency runs alongside reading the request, so latencyMs is the floor of the response time.
    const waited = this.#delay();

    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_REQUEST_BYTES) tooLarge = true;
      else chunks.push(chunk);
    });
    req.once('end', () => {
      const request: FakeRequest = { method: req.method ?? '', url, headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
      this.lastRequest = { method: request.method, url: req.url ?? '', headers: req.headers, body: request.body };
      const fault = this.#choose(request, tooLarge, req, res);
      void waited.then(() => {
        try {
          fault();
        } catch {
          this.#write(res, INTERNAL_ERROR);
        }
      });
    });
  }

  /** Counts the request against its account and picks what answers it: `everyone`, the account's plan, or the normal answer. */
  #choose(request: FakeRequest, tooLarge: boolean, req: IncomingMessage, res: ServerResponse): () => void {
    let credentials: WireCredentials | null;
    try {
      credentials = this.#fake.credentials(request);
    } catch {
      credentials = null;
    }
    const account = (credentials && this.#accounts.get(credentials.key)) ?? null;
    const endpoint =
      Object.entries(this.#fake.endpoints).find(([, e]) => `${this.#fake.basePath}${e.path}` === request.url.pathname)?.[0] ?? null;
    const counted = slot(endpoint ?? 'snapshot', account?.key ?? '');
    const attempt = account ? (this.#attempts.get(counted) ?? 0) + 1 : 0;
    if (account) {
      this.#attempts.set(counted, attempt);
      const arrivals = this.#arrivals.get(account.key);
      if (arrivals) arrivals.push(performance.now());
      else this.#arrivals.set(account.key, [performance.now()]);
    } else {
      this.#unknown += 1;
    }
    for (const form of credentials?.forms ?? []) this.wireForms.add(form);

    const answer = () => this.#write(res, this.#answer(request, tooLarge, endpoint, credentials, account));
    const authenticated = account !== null && credentials !== null && safeEqual(account.secret, credentials.secret);
    const sequence = authenticated && endpoint !== null ? (this.#plans.get(counted) ?? []) : [];
    const fault = this.everyone ?? sequence[Math.min(attempt, sequence.length) - 1] ?? faults.ok();
    const context: FaultContext = {
      provider: this.provider,
      endpoint,
      account,
      attempt,
      req,
      res,
      socket: req.socket,
      body: request.body,
      accountBody: () => (account ? structuredClone(account.bodies?.[endpoint ?? 'snapshot'] ?? null) : null),
      every: (ms, tick) => this.#every(res, ms, tick),
      answer,
    };
    return () => fault(context);
  }

  /** The provider's answer without faults: its route, its methods, its credentials, then the account's body. */
  #answer(
    request: FakeRequest,
    tooLarge: boolean,
    endpoint: string | null,
    credentials: WireCredentials | null,
    account: FakeAccount | null,
  ): FakeResponse {
    const { refusals, endpoints } = this.#fake;
    if (endpoint === null) return refusals.notFound;
    if (!endpoints[endpoint]?.methods.includes(request.method)) return refusals.methodNotAllowed;
    if (tooLarge) return refusals.tooLarge;
    if (!credentials || credentials.key === '' || credentials.secret === '') return refusals.missingCredentials;
    if (!account || !safeEqual(account.secret, credentials.secret)) return refusals.invalidCredentials;
    const body = account.bodies?.[endpoint];
    return body === undefined ? refusals.notFound : { status: 200, body };
  }

  #write(res: ServerResponse, response: FakeResponse): void {
    // The client may have gone, or close() may have destroyed the socket during the delay.
    if (res.destroyed || res.writableEnded) return;
    const payload = this.#text(response.body);
    res.writeHead(response.status, {
      'content-type': 'application/json; charset=utf-8',
      'content-length': String(Buffer.byteLength(payload)),
      ...response.headers,
    });
    res.end(payload);
  }

  #text(body: unknown): string {
    if (typeof body !== 'object' || body === null) return JSON.stringify(body);
    let text = this.#texts.get(body);
    if (text === undefined) {
      text = JSON.stringify(body);
      this.#texts.set(body, text);
    }
    return text;
  }

  #delay(): Promise<void> {
    if (this.#latencyMs === 0) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.#timers.delete(timer);
        resolve();
      }, this.#latencyMs);
      this.#timers.add(timer);
    });
  }

  #every(res: ServerResponse, ms: number, tick: () => void): void {
    const timer = setInterval(() => {
      if (!res.destroyed && !res.writableEnded) tick();
    }, ms);
    this.#timers.add(timer);
    res.once('close', () => {
      clearInterval(timer);
      this.#timers.delete(timer);
    });
  }
}
