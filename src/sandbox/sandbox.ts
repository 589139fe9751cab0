import { FakeUpstream } from './fake-upstream';
import type { ProviderFake } from './provider-fake';

/** How to start the sandbox. */
export interface SandboxOptions {
  /** The providers to fake: anything that has a `fake`, such as the provider modules of providers/installed.ts. */
  providers: ReadonlyArray<{ readonly fake: ProviderFake }>;
  /** Interface to listen on; 127.0.0.1 by default so the demo is never reachable from outside. */
  host?: string;
  /** Delay added to every response, for demos of slowness. */
  latencyMs?: number;
}

/** A demo account and the credentials that reach it on the sandbox servers. */
export interface SandboxAccount {
  readonly provider: string;
  readonly accountId: string;
  readonly key: string;
  readonly secret: string;
  /** One line saying what the demo account shows, e.g. "Lavi (Mumbai): the documented sample". */
  readonly description: string;
}

/** Fake providers on loopback, serving their demo accounts. */
export interface Sandbox {
  /** Each provider's base URL, by provider id: e.g. SIMPSY is http://127.0.0.1:PORT/api/v1 (the client appends /billing/details). */
  readonly baseUrls: Readonly<Record<string, string>>;
  /** The environment that points the subgraph at these fakes: `<ID>_BASE_URL` per provider. */
  readonly env: Readonly<Record<string, string>>;
  readonly accounts: readonly SandboxAccount[];
  /** Count of requests served to one provider, for tests; with `path` (e.g. "/billing/invoice"), only those whose path ends so. */
  requestCount(provider: string, path?: string): number;
  close(): Promise<void>;
}

/** Starts one fake server per provider, each serving its demo accounts; call close() when done. */
export async function startSandbox(options: SandboxOptions): Promise<Sandbox> {
  const started = await Promise.allSettled(
    options.providers.map(({ fake }) => FakeUpstream.start(fake, { host: options.host, latencyMs: options.latencyMs })),
  );
  const fakes = started.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= Promise.all(fakes.map((fake) => fake.close())).then(() => undefined);
    return closing;
  };
  // allSettled, not all: every start has finished before close() runs, so none is left open.
  const failed = started.find((result): result is PromiseRejectedResult => result.status === 'rejected');
  if (failed) {
    await close();
    throw failed.reason;
  }

  const byProvider = new Map(fakes.map((fake) => [fake.provider, fake]));
  const accounts = fakes.flatMap((fake) =>
    fake.accounts.map((a) =>
      Object.freeze({ provider: fake.provider, accountId: a.accountId, key: a.key, secret: a.secret, description: a.description ?? '' }),
    ),
  );
  return {
    baseUrls: Object.freeze(Object.fromEntries(fakes.map((fake) => [fake.provider, fake.baseUrl]))),
    env: Object.freeze(Object.fromEntries(fakes.map((fake) => [`${fake.provider}_BASE_URL`, fake.baseUrl]))),
    accounts: Object.freeze(accounts),
    requestCount: (provider, path) => byProvider.get(provider)?.requestCount(path) ?? 0,
    close,
  };
}
