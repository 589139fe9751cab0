import { fillSample, parseBasicAuth, type FakeAccount, type FakeResponse, type ProviderFake } from '../../sandbox';
import { DIGIDONAR, DIGIDONAR_PROFILE_PATH } from './digidonar.client';
import demoAccounts from './samples/demo-accounts.json';
import healthy from './samples/healthy.json';

function error(status: number, message: string, headers?: Record<string, string>): FakeResponse {
  return { status, body: { type: 'error', message }, ...(headers ? { headers } : {}) };
}

const INVALID = error(401, 'Invalid credentials', { 'www-authenticate': 'Basic realm="Digidonar API"' });

/**
 * Digidonar as its Profile & Balance page documents it: one endpoint, POST, HTTP Basic with the
 * API key as user and the secret as password, the account chosen by the credentials alone (the
 * docs' "form parameters" are really response fields, so the body carries nothing it reads).
 */
export const DIGIDONAR_FAKE: ProviderFake = {
  provider: DIGIDONAR.provider,
  basePath: '',
  endpoints: { snapshot: { path: DIGIDONAR_PROFILE_PATH, methods: ['POST'] } },
  credentials(request) {
    const basic = parseBasicAuth(request.headers.authorization);
    return basic && { key: basic.user, secret: basic.password, forms: [basic.token] };
  },
  refusals: {
    notFound: error(404, 'Not found'),
    methodNotAllowed: error(405, 'Method not allowed', { allow: 'POST' }),
    tooLarge: error(413, 'Payload too large', { connection: 'close' }),
    missingCredentials: INVALID,
    invalidCredentials: INVALID,
  },
  demoAccounts: demoAccounts as readonly FakeAccount[],
  healthyBodies: (accountId) => fillSample(healthy, accountId) as Record<string, unknown>,
};
