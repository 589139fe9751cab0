import type { AccountSnapshot } from '../../src/domain/account';
import type { AccountEntry } from '../../src/domain/account-entry';
import { BillingError, ErrorCode } from '../../src/domain/billing-error';
import type { InvoiceList } from '../../src/domain/invoice';
import { Secret } from '../../src/domain/secret';
import type { ProviderClient } from '../../src/providers/provider-client';
import { withResilience, type ResilienceSettings } from '../../src/providers/resilience';
import type { UpstreamAttempt } from '../../src/providers/upstream-observer';

// The policies alone, over a scripted provider: exact attempt counts, no network, no timing luck.

const SETTINGS: ResilienceSettings = {
  deadlineMs: 2_000,
  maxRetries: 2,
  retryBaseDelayMs: 1,
  retryMaxDelayMs: 5,
  breakerThreshold: 0.5,
  breakerWindowMs: 10_000,
  breakerMinCalls: 4,
  breakerHalfOpenAfterMs: 100,
  maxConcurrency: 2,
  maxQueue: 1,
};

const account = (accountId: string): AccountEntry => ({
  provider: 'SIMPSY',
  accountId,
  key: new Secret('k'),
  secret: new Secret('s'),
  description: null,
});

const snapshot = (accountId: string) => ({ provider: 'SIMPSY', accountId }) as unknown as AccountSnapshot;

const failure = (code: ErrorCode, retryable: boolean, retryAfterMs?: number) =>
  new BillingError(code, 'Simpsy failed', { provider: 'SIMPSY', accountId: 'a' }, { retryable, retryAfterMs });

/** A provider that answers from a script, one entry per attempt; the last entry repeats. */
function scripted(steps: Array<() => Promise<AccountSnapshot>>) {
  let calls = 0;
  const client: ProviderClient = {
    provider: 'SIMPSY',
      displayName: 'Simpsy',
    fetchSnapshot: async () => {
      const step = steps[Math.min(calls, steps.length - 1)]!;
      calls += 1;
      return step();
    },
    close: async () => undefined,
  };
  return { client, calls: () => calls };
}

const ok = (id = 'a') => () => Promise.resolve(snapshot(id));
const fail = (error: BillingError) => () => Promise.reject(error);

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return 'resolved';
  } catch (error) {
    return error instanceof BillingError ? error.code : `not a BillingError: ${String(error)}`;
  }
}

describe('retries', () => {
  test('a provider failure is tried 1 + maxRetries times, then surfaces with its own code', async () => {
    const inner = scripted([fail(failure(ErrorCode.UPSTREAM_UNAVAILABLE, true))]);
    const provider = withResilience(inner.client, SETTINGS);
    expect(await codeOf(provider.fetchSnapshot(account('a')))).toBe('UPSTREAM_UNAVAILABLE');
    expect(inner.calls()).toBe(3);
  });

  test('a failure that clears on the second attempt resolves', async () => {
    const inner = scripted([fail(failure(ErrorCode.UPSTREAM_RATE_LIMITED, true)), ok()]);
    const provider = withResilience(inner.client, SETTINGS);
    expect(await codeOf(provider.fetchSnapshot(account('a')))).toBe('resolved');
    expect(inner.calls()).toBe(2);
  });

  test.each([
    ErrorCode.UPSTREAM_UNAUTHORIZED,
    ErrorCode.UPSTREAM_PAYMENT_REQUIRED,
    ErrorCode.UPSTREAM_BAD_REQUEST,
    ErrorCode.UPSTREAM_BAD_RESPONSE,
    ErrorCode.UPSTREAM_ACCOUNT_MISMATCH,
  ])('%s (not retryable) is tried once', async (code) => {
    const inner = scripted([fail(failure(code, false))]);
    const provider = withResilience(inner.client, SETTINGS);
    expect(await codeOf(provider.fetchSnapshot(account('a')))).toBe(code);
    expect(inner.calls()).toBe(1);
  });

  test('maxRetries 0 means one attempt', async () => {
    const inner = scripted([fail(failure(ErrorCode.UPSTREAM_UNAVAILABLE, true))]);
    const provider = withResilience(inner.client, { ...SETTINGS, maxRetries: 0 });
    await codeOf(provider.fetchSnapshot(account('a')));
    expect(inner.calls()).toBe(1);
  });

  test('Retry-After is honoured when it fits the deadline', async () => {
    const inner = scripted([fail(failure(ErrorCode.UPSTREAM_UNAVAILABLE, true, 150)), ok()]);
    const provider = withResilience(inner.client, SETTINGS);
    const started = performance.now();
    expect(await codeOf(provider.fetchSnapshot(account('a')))).toBe('resolved');
    expect(performance.now() - started).toBeGreaterThanOrEqual(140);
    expect(inner.calls()).toBe(2);
  });

  test('a Retry-After beyond the deadline is not waited for', async () => {
    const inner = scripted([fail(failure(ErrorCode.UPSTREAM_UNAVAILABLE, true, 60_000)), ok()]);
    const provider = withResilience(inner.client, SETTINGS);
    const started = performance.now();
    expect(await codeOf(provider.fetchSnapshot(account('a')))).toBe('UPSTREAM_UNAVAILABLE');
    expect(performance.now() - started).toBeLessThan(1_000);
    expect(inner.calls()).toBe(1);
  });

  test('backoff is full jitter under an exponential cap', async () => {
    const seen: number[] = [];
    const inner = scripted([fail(failure(ErrorCode.UPSTREAM_UNAVAILABLE, true))]);
    // random() = 1 gives the cap itself: 100, then 200 (base 100, doubling, max 1000).
    const provider = withResilience(inner.client, { ...SETTINGS, retryBaseDelayMs: 100, retryMaxDelayMs: 1_000 }, () => {
      seen.push(performance.now());
      return 1;
    });
    const started = performance.now();
    await codeOf(provider.fetchSnapshot(account('a')));
    const elapsed = performance.now() - started;
    expect(seen).toHaveLength(2);
    expect(elapsed).toBeGreaterThanOrEqual(290);
  });
});

describe('deadline', () => {
  test('a call that outlives the deadline is UPSTREAM_TIMEOUT, on time, and its signal is aborted', async () => {
    let aborted = false;
    const client: ProviderClient = {
      provider: 'SIMPSY',
      displayName: 'Simpsy',
      fetchSnapshot: (_account, signal) =>
        new Promise(() => signal?.addEventListener('abort', () => (aborted = true))),
      close: async () => undefined,
    };
    const provider = withResilience(client, { ...SETTINGS, deadlineMs: 100 });
    const started = performance.now();
    expect(await codeOf(provider.fetchSnapshot(account('a')))).toBe('UPSTREAM_TIMEOUT');
    expect(performance.now() - started).toBeLessThan(1_000);
    expect(aborted).toBe(true);
  });
});

describe('circuit breaker', () => {
  test('opens when most calls fail, then fails fast without calling the provider', async () => {
    const inner = scripted([fail(failure(ErrorCode.UPSTREAM_UNAVAILABLE, true))]);
    const provider = withResilience(inner.client, { ...SETTINGS, maxRetries: 0 });
    for (let i = 0; i < 4; i += 1) await codeOf(provider.fetchSnapshot(account('a')));
    expect(provider.breakerState()).toBe('open');
    const before = inner.calls();
    const started = performance.now();
    const error = (await provider.fetchSnapshot(account('b')).catch((e: unknown) => e)) as BillingError;
    expect(performance.now() - started).toBeLessThan(50);
    expect(error).toMatchObject({ code: 'UPSTREAM_UNAVAILABLE', details: { provider: 'SIMPSY', accountId: 'b' } });
    expect(error.message).toContain('circuit open');
    expect(inner.calls()).toBe(before);
  });

  test('a half-open probe that succeeds closes it again', async () => {
    let healthy = false;
    const client: ProviderClient = {
      provider: 'SIMPSY',
      displayName: 'Simpsy',
      fetchSnapshot: async (entry) => {
        if (!healthy) throw failure(ErrorCode.UPSTREAM_UNAVAILABLE, true);
        return snapshot(entry.accountId);
      },
      close: async () => undefined,
    };
    const provider = withResilience(client, { ...SETTINGS, maxRetries: 0, breakerHalfOpenAfterMs: 50 });
    for (let i = 0; i < 4; i += 1) await codeOf(provider.fetchSnapshot(account('a')));
    expect(provider.breakerState()).toBe('open');
    healthy = true;
    await new Promise((resolve) => setTimeout(resolve, 80));
    expect(await codeOf(provider.fetchSnapshot(account('a')))).toBe('resolved');
    expect(provider.breakerState()).toBe('closed');
  });

  test('a provider whose calls only ever hit the deadline opens it too', async () => {
    // As UpstreamHttp does: an aborted request rejects with UPSTREAM_TIMEOUT (not retryable).
    const client: ProviderClient = {
      provider: 'SIMPSY',
      displayName: 'Simpsy',
      fetchSnapshot: (_account, signal) =>
        new Promise((_resolve, reject) =>
          signal?.addEventListener('abort', () => reject(failure(ErrorCode.UPSTREAM_TIMEOUT, false))),
        ),
      close: async () => undefined,
    };
    const provider = withResilience(client, { ...SETTINGS, deadlineMs: 30, maxRetries: 0 });
    for (let i = 0; i < 4; i += 1) await codeOf(provider.fetchSnapshot(account(`a${i}`)));
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(provider.breakerState()).toBe('open');
  });

  test("one account's bad credentials do not count against the provider", async () => {
    const inner = scripted([fail(failure(ErrorCode.UPSTREAM_UNAUTHORIZED, false))]);
    const provider = withResilience(inner.client, { ...SETTINGS, maxRetries: 0 });
    for (let i = 0; i < 20; i += 1) await codeOf(provider.fetchSnapshot(account('a')));
    expect(provider.breakerState()).toBe('closed');
    expect(inner.calls()).toBe(20);
  });
});

describe('bulkhead', () => {
  test('calls beyond concurrency + queue fail fast with UPSTREAM_OVERLOADED; the rest resolve', async () => {
    const client: ProviderClient = {
      provider: 'SIMPSY',
      displayName: 'Simpsy',
      fetchSnapshot: (entry) => new Promise((resolve) => setTimeout(() => resolve(snapshot(entry.accountId)), 100)),
      close: async () => undefined,
    };
    const provider = withResilience(client, SETTINGS);
    const started = performance.now();
    const outcomes = await Promise.all(
      ['a', 'b', 'c', 'd', 'e'].map(async (id) => {
        const code = await codeOf(provider.fetchSnapshot(account(id)));
        return { code, at: performance.now() - started };
      }),
    );
    expect(outcomes.map((o) => o.code)).toEqual(['resolved', 'resolved', 'resolved', 'UPSTREAM_OVERLOADED', 'UPSTREAM_OVERLOADED']);
    // The overflow is refused at once, not after the others finish.
    expect(outcomes[3]!.at).toBeLessThan(50);
  });

  test('each provider has its own: a saturated one leaves the other untouched', async () => {
    const slow: ProviderClient = {
      provider: 'SIMPSY',
      displayName: 'Simpsy',
      fetchSnapshot: () => new Promise(() => undefined),
      close: async () => undefined,
    };
    const fast = scripted([ok('d')]);
    const simpsy = withResilience(slow, { ...SETTINGS, deadlineMs: 200 });
    const digidonar = withResilience({ ...fast.client, provider: 'DIGIDONAR' }, SETTINGS);
    const stuck = ['a', 'b', 'c'].map((id) => codeOf(simpsy.fetchSnapshot(account(id))));
    expect(await codeOf(simpsy.fetchSnapshot(account('x')))).toBe('UPSTREAM_OVERLOADED');
    expect(await codeOf(digidonar.fetchSnapshot({ ...account('d'), provider: 'DIGIDONAR' }))).toBe('resolved');
    expect(await Promise.all(stuck)).toEqual(['UPSTREAM_TIMEOUT', 'UPSTREAM_TIMEOUT', 'UPSTREAM_TIMEOUT']);
  });
});

describe('every endpoint of a provider under the same policies', () => {
  const list = (accountId: string) => ({ provider: 'SIMPSY', accountId, fetchedAt: new Date().toISOString(), invoices: [] }) as InvoiceList;

  /** A provider with both calls, each counted; snapshots fail as scripted, invoices answer. */
  function withInvoices(snapshots: () => Promise<AccountSnapshot>, invoices: () => Promise<InvoiceList> = async () => list('a')) {
    const calls = { snapshot: 0, invoices: 0 };
    const client: ProviderClient = {
      provider: 'SIMPSY',
      displayName: 'Simpsy',
      fetchSnapshot: () => {
        calls.snapshot += 1;
        return snapshots();
      },
      fetchInvoices: () => {
        calls.invoices += 1;
        return invoices();
      },
      close: async () => undefined,
    };
    return { client, calls };
  }

  test('a provider without invoices gets no invoice capability', () => {
    expect(withResilience(scripted([ok()]).client, SETTINGS).fetchInvoices).toBeUndefined();
  });

  test('invoice calls are retried and reported like snapshots, the endpoint told apart', async () => {
    const attempts: UpstreamAttempt[] = [];
    let failures = 1;
    const inner = withInvoices(ok(), async () => {
      if (failures-- > 0) throw failure(ErrorCode.UPSTREAM_UNAVAILABLE, true);
      return list('a');
    });
    const provider = withResilience(inner.client, SETTINGS, Math.random, { attempt: (a) => attempts.push(a) });
    expect(await codeOf(provider.fetchInvoices!(account('a')))).toBe('resolved');
    expect(await codeOf(provider.fetchSnapshot(account('a')))).toBe('resolved');
    expect(attempts.map((a) => [a.endpoint, a.attempt, a.outcome])).toEqual([
      ['invoices', 1, 'UPSTREAM_UNAVAILABLE'],
      ['invoices', 2, 'ok'],
      ['snapshot', 1, 'ok'],
    ]);
  });

  test('one breaker: opened by failing snapshots, it fails invoice calls fast without calling the provider', async () => {
    const inner = withInvoices(fail(failure(ErrorCode.UPSTREAM_UNAVAILABLE, true)));
    const provider = withResilience(inner.client, { ...SETTINGS, maxRetries: 0 });
    for (let i = 0; i < 4; i += 1) await codeOf(provider.fetchSnapshot(account('a')));
    expect(provider.breakerState()).toBe('open');
    const started = performance.now();
    const error = (await provider.fetchInvoices!(account('b')).catch((e: unknown) => e)) as BillingError;
    expect(performance.now() - started).toBeLessThan(50);
    expect(error).toMatchObject({ code: 'UPSTREAM_UNAVAILABLE', details: { provider: 'SIMPSY', accountId: 'b' } });
    expect(error.message).toContain('circuit open');
    expect(inner.calls.invoices).toBe(0);
  });

  test('one bulkhead: snapshots in flight and queued leave no slot for an invoice call', async () => {
    const inner = withInvoices(() => new Promise(() => undefined));
    const provider = withResilience(inner.client, { ...SETTINGS, deadlineMs: 200 });
    const stuck = ['a', 'b', 'c'].map((id) => codeOf(provider.fetchSnapshot(account(id))));
    expect(await codeOf(provider.fetchInvoices!(account('d')))).toBe('UPSTREAM_OVERLOADED');
    expect(inner.calls.invoices).toBe(0);
    expect(await Promise.all(stuck)).toEqual(['UPSTREAM_TIMEOUT', 'UPSTREAM_TIMEOUT', 'UPSTREAM_TIMEOUT']);
  });

  test('the same deadline cuts an invoice call', async () => {
    const inner = withInvoices(ok(), () => new Promise(() => undefined));
    const provider = withResilience(inner.client, { ...SETTINGS, deadlineMs: 100 });
    const started = performance.now();
    expect(await codeOf(provider.fetchInvoices!(account('a')))).toBe('UPSTREAM_TIMEOUT');
    expect(performance.now() - started).toBeLessThan(1_000);
  });
});
