import type { Dispatcher } from 'undici';
import { ErrorCode } from '../../domain/billing-error';
import type { AccountEntry } from '../../domain/account-entry';
import type { ProviderIdentity } from '../provider-client';
import { UpstreamHttp, type UpstreamHttpOptions } from '../upstream-http';
import { describeIssues } from '../wire';
import { digidonarBody, type DigidonarBody } from './digidonar.wire';

/** Who this provider is: its id and its name in messages. */
export const DIGIDONAR: ProviderIdentity = { provider: 'DIGIDONAR', displayName: 'Digidonar' };

export const DIGIDONAR_PROFILE_PATH = '/api_v2/profile_billing_v2';

/**
 * Digidonar's profile & balance API: POST with HTTP Basic auth (key as user, secret as password).
 * Returns the decoded body of the account the credentials belong to, or rejects with a BillingError.
 */
export class DigidonarClient {
  readonly #http: UpstreamHttp;

  constructor(options: Omit<UpstreamHttpOptions, keyof ProviderIdentity>, dispatcher?: Dispatcher) {
    this.#http = new UpstreamHttp({ ...options, ...DIGIDONAR }, dispatcher);
  }

  /** Fetches the profile and balance of one account. */
  async fetchProfile(account: AccountEntry, signal?: AbortSignal): Promise<DigidonarBody> {
    const { accountId } = account;
    const basic = Buffer.from(`${account.key.reveal()}:${account.secret.reveal()}`).toString('base64');
    const response = await this.#http.request({
      accountId,
      method: 'POST',
      path: DIGIDONAR_PROFILE_PATH,
      headers: { authorization: `Basic ${basic}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: '',
      signal,
    });

    if (response.statusCode < 200 || response.statusCode >= 300) {
      throw this.#http.statusError(accountId, response);
    }
    if (response.json === undefined) {
      throw this.#http.error(ErrorCode.UPSTREAM_BAD_RESPONSE, accountId, `sent ${response.notJson}`);
    }
    // An error answer may come without login_account: its own "type" explains more than the shape.
    const type = (response.json as { type?: unknown } | null)?.type;
    if (typeof type === 'string' && type.trim().toLowerCase() !== 'success') {
      throw this.#http.error(ErrorCode.UPSTREAM_BAD_RESPONSE, accountId, 'answered without "type": "success"');
    }
    const decoded = digidonarBody.safeParse(response.json);
    if (!decoded.success) {
      throw this.#http.error(ErrorCode.UPSTREAM_BAD_RESPONSE, accountId, `sent a body ${describeIssues(decoded.error)}`);
    }
    const body = decoded.data;
    const returnedId = body.login_account.account_id?.trim();
    if (!returnedId) {
      throw this.#http.error(ErrorCode.UPSTREAM_BAD_RESPONSE, accountId, 'sent no account_id, so ownership cannot be checked');
    }
    if (returnedId !== accountId) {
      // The credentials belong to another account: its data must not be shown under this one.
      throw this.#http.error(
        ErrorCode.UPSTREAM_ACCOUNT_MISMATCH,
        accountId,
        'returned a different account for these credentials; check the accounts file',
      );
    }
    return body;
  }

  /** Closes the connection pool. */
  close(): Promise<void> {
    return this.#http.close();
  }
}
