import type { Freshness } from '../../../src/domain/account';
import { ResponseCachePolicy, observeLoads } from '../../../src/graphql/cache-control';

// The response's Cache-Control from what its loaders served: accounts and invoice lists alike.

const served = (maxAgeSeconds: number, ageSeconds: number, stale = false): { freshness: Freshness } => ({
  freshness: { fetchedAt: '2024-05-15T00:00:00.000Z', ageSeconds, maxAgeSeconds, stale, refreshError: null },
});

/** Serves what it is given, for a key. */
const loader = <V>(value: V | Error) => ({
  load: (_key: string) => (value instanceof Error ? Promise.reject(value) : Promise.resolve(value)),
});

async function headerFor(accountValue: unknown, invoicesValue: unknown): Promise<string | undefined> {
  const policy = new ResponseCachePolicy();
  const accounts = observeLoads(loader(accountValue as { freshness: Freshness }), policy);
  const invoices = observeLoads(loader(invoicesValue as { freshness: Freshness } | null), policy);
  await Promise.allSettled([accounts.load('SIMPSY:a'), invoices.load('SIMPSY:a')]);
  return policy.header(false);
}

describe('Cache-Control with invoices', () => {
  test('an older invoice list caps max-age below the account', async () => {
    expect(await headerFor(served(300, 0), served(300, 250))).toBe('private, max-age=50');
  });

  test('a fresher invoice list leaves the account in charge', async () => {
    expect(await headerFor(served(300, 100), served(300, 0))).toBe('private, max-age=200');
  });

  test('a stale invoice list makes the response no-store', async () => {
    expect(await headerFor(served(300, 0), served(300, 400, true))).toBe('no-store');
  });

  test('a failed invoice load makes the response no-store', async () => {
    expect(await headerFor(served(300, 0), new Error('down'))).toBe('no-store');
  });

  test('no invoices (a Digidonar account) changes nothing', async () => {
    expect(await headerFor(served(60, 10), null)).toBe('private, max-age=50');
  });
});
