import type { DigidonarDemoAccount } from './fixtures';
import { BodyTooLargeError, parseBasicAuth, readBody, safeEqual } from './http';
import type { FakeHandler, FakeResponse } from './http';

/** The one endpoint of Digidonar's Profile & Balance API. */
export const DIGIDONAR_PATH = '/api_v2/profile_billing_v2';

function errorResponse(status: number, message: string, headers?: Record<string, string>): FakeResponse {
  return { status, body: { type: 'error', message }, ...(headers ? { headers } : {}) };
}

/** Builds the success body in the intended shape of the docs' (invalid JSON) sample. */
export function digidonarProfileBody(account: DigidonarDemoAccount): Record<string, unknown> {
  const numbers = { desk_phone: account.deskPhone, did_no: account.didNo };
  if (account.numbersInsideLoginAccount) {
    return { login_account: { ...account.loginAccount, ...numbers }, type: 'success' };
  }
  return { login_account: { ...account.loginAccount }, ...numbers, type: 'success' };
}

/** Creates the fake Digidonar handler: POST with Basic auth, answered for the account the key belongs to. */
export function createDigidonarHandler(accounts: readonly DigidonarDemoAccount[]): FakeHandler {
  return async (req, url) => {
    if (url.pathname !== DIGIDONAR_PATH) return errorResponse(404, 'Not found');
    if (req.method !== 'POST') return errorResponse(405, 'Method not allowed', { allow: 'POST' });

    // The docs' "form parameters" are really response fields, so the body carries nothing we
    // need; it is still read so an oversized upload is refused rather than buffered forever.
    try {
      await readBody(req);
    } catch (err) {
      if (err instanceof BodyTooLargeError) return errorResponse(413, 'Payload too large', { connection: 'close' });
      throw err;
    }

    const credentials = parseBasicAuth(req.headers.authorization);
    const account = credentials && accounts.find((a) => a.key === credentials.user);
    if (!credentials || !account || !safeEqual(account.secret, credentials.password)) {
      return errorResponse(401, 'Invalid credentials', { 'www-authenticate': 'Basic realm="Digidonar API"' });
    }
    return { status: 200, body: digidonarProfileBody(account) };
  };
}
