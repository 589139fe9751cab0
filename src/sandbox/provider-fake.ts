import type { IncomingHttpHeaders } from 'node:http';

/** An answer the fake writes: status, headers (JSON unless they say otherwise), and a body sent as JSON. */
export interface FakeResponse {
  readonly status: number;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body: unknown;
}

/** A request as a fake reads it, its body already read whole. */
export interface FakeRequest {
  readonly method: string;
  /** Path and query of the request (the origin is a placeholder). */
  readonly url: URL;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

/** The credentials of a request, and the forms they travelled in exactly as sent (a Basic token, raw query values). */
export interface WireCredentials {
  readonly key: string;
  readonly secret: string;
  readonly forms: readonly string[];
}

/** One endpoint of a provider: its path below the base URL's path, and the methods it takes. */
export interface FakeEndpoint {
  readonly path: string;
  readonly methods: readonly string[];
}

/**
 * An account a fake knows: the credentials that reach it, and what each endpoint answers for it
 * (with HTTP 200). Without `bodies`, the fake's healthy bodies for its accountId are served.
 */
export interface FakeAccount {
  readonly accountId: string;
  readonly key: string;
  readonly secret: string;
  /** One line saying what a demo account shows, e.g. "Lavi (Mumbai): the documented sample". */
  readonly description?: string;
  /** Endpoint name ("snapshot", "invoices") to the body sent, exactly as the provider would. */
  readonly bodies?: Readonly<Record<string, unknown>>;
}

/**
 * What one provider's fake knows of the provider: where its endpoints are, how it reads
 * credentials, how it refuses, and which accounts it serves. The FakeUpstream server does the rest
 * (listening, latency, planned faults, counting), the same for every provider.
 */
export interface ProviderFake {
  /** The provider id, e.g. "SIMPSY". */
  readonly provider: string;
  /** The path the provider's base URL carries ("/api/v1"), or "" for none. */
  readonly basePath: string;
  /** Endpoint name ("snapshot", "invoices": the client's capabilities) to its path and methods. */
  readonly endpoints: Readonly<Record<string, FakeEndpoint>>;
  /** The credentials of a request, or null when it carries none (or none readable). */
  credentials(request: FakeRequest): WireCredentials | null;
  /** The provider's own refusals, with the status and body it documents for each. */
  readonly refusals: {
    readonly notFound: FakeResponse;
    readonly methodNotAllowed: FakeResponse;
    readonly tooLarge: FakeResponse;
    /** No credentials, or an empty key or secret. */
    readonly missingCredentials: FakeResponse;
    /** A key of no account, or a wrong secret. */
    readonly invalidCredentials: FakeResponse;
  };
  /** The demo accounts the sandbox serves, from the provider's sample files. */
  readonly demoAccounts: readonly FakeAccount[];
  /** A healthy account's bodies per endpoint, for tests and benchmarks that make up their own accounts. */
  healthyBodies(accountId: string): Readonly<Record<string, unknown>>;
}

/**
 * A copy of a sample body with every `{accountId}` in its strings replaced, so that one data
 * file serves any number of made-up accounts ("Company {accountId}").
 */
export function fillSample(sample: unknown, accountId: string): unknown {
  if (typeof sample === 'string') return sample.replaceAll('{accountId}', accountId);
  if (Array.isArray(sample)) return sample.map((item) => fillSample(item, accountId));
  if (typeof sample === 'object' && sample !== null) {
    return Object.fromEntries(Object.entries(sample).map(([key, value]) => [key, fillSample(value, accountId)]));
  }
  return sample;
}
