import type { IncomingMessage } from 'node:http';
import type { SimpsyDemoAccount } from './fixtures';
import { BodyTooLargeError, readBody, safeEqual } from './http';
import type { FakeHandler, FakeResponse } from './http';

/** Where the sandbox mounts Simpsy's API, as the real base URL does (`…/api/v1`). */
export const SIMPSY_BASE_PATH = '/api/v1';
/** The billing details endpoint, under the base path. */
export const SIMPSY_DETAILS_PATH = `${SIMPSY_BASE_PATH}/billing/details`;
/** The invoice list endpoint (same key and secret), under the base path. */
export const SIMPSY_INVOICE_PATH = `${SIMPSY_BASE_PATH}/billing/invoice`;

// Simpsy reports its own outcome in the body and answers HTTP 200 for all of these.
const MISSING = { status: '400', message: 'Missing or invalid properties' } as const;
const INVALID = { status: '401', message: 'Invalid API Key & Password' } as const;
const PAYMENT_FAILED = { status: '300', message: 'Failed payment, please login and update payment method' } as const;

function httpError(status: number, message: string, headers?: Record<string, string>): FakeResponse {
  return { status, body: { status: String(status), message }, ...(headers ? { headers } : {}) };
}

async function readCredentials(req: IncomingMessage, url: URL): Promise<{ key: string; secret: string }> {
  let key = url.searchParams.get('key') ?? '';
  let secret = url.searchParams.get('secret') ?? '';
  const contentType = (req.headers['content-type'] ?? '').toLowerCase();
  // The docs show POST beside GET; a PHP backend would read key/secret from either place.
  if (req.method === 'POST' && contentType.startsWith('application/x-www-form-urlencoded')) {
    const form = new URLSearchParams((await readBody(req)).toString('utf8'));
    if (key === '') key = form.get('key') ?? '';
    if (secret === '') secret = form.get('secret') ?? '';
  } else {
    await readBody(req);
  }
  return { key, secret };
}

/**
 * Creates the fake Simpsy handler for billing details and invoices: GET or POST with key/secret,
 * outcome in the body's "status" (a failed payment answers "300" on both endpoints).
 */
export function createSimpsyHandler(accounts: readonly SimpsyDemoAccount[]): FakeHandler {
  return async (req, url) => {
    if (url.pathname !== SIMPSY_DETAILS_PATH && url.pathname !== SIMPSY_INVOICE_PATH) return httpError(404, 'Not Found');
    if (req.method !== 'GET' && req.method !== 'POST') {
      return httpError(405, 'Method Not Allowed', { allow: 'GET, POST' });
    }

    let credentials: { key: string; secret: string };
    try {
      credentials = await readCredentials(req, url);
    } catch (err) {
      if (err instanceof BodyTooLargeError) return httpError(413, 'Payload Too Large', { connection: 'close' });
      throw err;
    }
    const { key, secret } = credentials;
    if (key === '' || secret === '') return { status: 200, body: MISSING };

    const account = accounts.find((a) => a.key === key);
    if (!account || !safeEqual(account.secret, secret)) return { status: 200, body: INVALID };

    if (account.state.kind === 'payment-failed') return { status: 200, body: PAYMENT_FAILED };
    const result = url.pathname === SIMPSY_INVOICE_PATH ? account.state.invoices : [account.state.billing];
    return { status: 200, body: { status: '200', message: 'Success', result } };
  };
}
