import { fillSample, type FakeAccount, type FakeResponse, type ProviderFake } from '../../sandbox';
import { SIMPSY, SIMPSY_DETAILS_PATH, SIMPSY_INVOICES_PATH } from './simpsy.client';
import demoAccounts from './samples/demo-accounts.json';
import healthy from './samples/healthy.json';

/** Where Simpsy mounts its API, as its documented base URL does (`…/api/v1`). */
export const SIMPSY_BASE_PATH = '/api/v1';

function httpError(status: number, message: string, headers?: Record<string, string>): FakeResponse {
  return { status, body: { status: String(status), message }, ...(headers ? { headers } : {}) };
}

/**
 * Simpsy Voice as its billing pages document it: billing details and invoices, GET (or POST)
 * with `key` and `secret` in the query string (or a form body, as a PHP back end would read
 * either), and the outcome in the body's "status" with HTTP 200: "400" missing, "401" wrong,
 * "300" a failed payment (on both endpoints, from the sample files).
 */
export const SIMPSY_FAKE: ProviderFake = {
  provider: SIMPSY.provider,
  basePath: SIMPSY_BASE_PATH,
  endpoints: {
    snapshot: { path: SIMPSY_DETAILS_PATH, methods: ['GET', 'POST'] },
    invoices: { path: SIMPSY_INVOICES_PATH, methods: ['GET', 'POST'] },
  },
  credentials({ method, url, headers, body }) {
    const form =
      method === 'POST' && (headers['content-type'] ?? '').toLowerCase().startsWith('application/x-www-form-urlencoded')
        ? new URLSearchParams(body)
        : null;
    // The values as they travelled, undecoded, for tests that look for a credential on the wire.
    const raw = (name: string) => {
      const pair = url.search.slice(1).split('&').find((p) => p.startsWith(`${name}=`));
      return pair === undefined ? [] : [pair.slice(name.length + 1)];
    };
    const key = url.searchParams.get('key') || form?.get('key') || '';
    const secret = url.searchParams.get('secret') || form?.get('secret') || '';
    return { key, secret, forms: [...raw('key'), ...raw('secret')] };
  },
  refusals: {
    notFound: httpError(404, 'Not Found'),
    methodNotAllowed: httpError(405, 'Method Not Allowed', { allow: 'GET, POST' }),
    tooLarge: httpError(413, 'Payload Too Large', { connection: 'close' }),
    missingCredentials: { status: 200, body: { status: '400', message: 'Missing or invalid properties' } },
    invalidCredentials: { status: 200, body: { status: '401', message: 'Invalid API Key & Password' } },
  },
  demoAccounts: demoAccounts as readonly FakeAccount[],
  healthyBodies: (accountId) => fillSample(healthy, accountId) as Record<string, unknown>,
};
