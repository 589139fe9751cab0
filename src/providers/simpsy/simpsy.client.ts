import type { Dispatcher } from 'undici';
import { z } from 'zod';
import type { AccountEntry } from '../../domain/account-entry';
import { ErrorCode } from '../../domain/billing-error';
import type { ProviderIdentity } from '../provider-client';
import { UpstreamHttp, type UpstreamHttpOptions } from '../upstream-http';
import { describeIssues } from '../wire';
import {
  simpsyBilling,
  simpsyEnvelope,
  simpsyInvoiceList,
  type SimpsyBilling,
  type SimpsyInvoice,
} from './simpsy.wire';

/** Who this provider is: its id and its name in messages. */
export const SIMPSY: ProviderIdentity = { provider: 'SIMPSY', displayName: 'Simpsy' };

export const SIMPSY_DETAILS_PATH = '/billing/details';
export const SIMPSY_INVOICES_PATH = '/billing/invoice';

const resultList = z.array(simpsyBilling).min(1);

/**
 * Simpsy Voice's billing API (details and invoices): GET with `key` and `secret` as query parameters.
 * The secret travels in the URL, so the URL is never logged or put in an error.
 * The body's own "status" counts as much as the HTTP status.
 */
export class SimpsyClient {
  readonly #http: UpstreamHttp;

  constructor(options: Omit<UpstreamHttpOptions, keyof ProviderIdentity>, dispatcher?: Dispatcher) {
    this.#http = new UpstreamHttp({ ...options, ...SIMPSY }, dispatcher);
  }

  /** Fetches the billing details of one account. */
  async fetchDetails(account: AccountEntry, signal?: AbortSignal): Promise<SimpsyBilling> {
    const result = await this.#fetchResult(account, SIMPSY_DETAILS_PATH, resultList, signal);
    // The key names one account, and the provider documents one element.
    return result[0] as SimpsyBilling;
  }

  /** Fetches every invoice of one account at once (the provider documents no paging); none is a valid answer. */
  fetchInvoices(account: AccountEntry, signal?: AbortSignal): Promise<SimpsyInvoice[]> {
    return this.#fetchResult(account, SIMPSY_INVOICES_PATH, simpsyInvoiceList, signal);
  }

  /**
   * One GET of a billing endpoint with the account's key and secret: the HTTP status and the
   * body's own status checked the same way for every endpoint, then `result` decoded by `schema`.
   */
  async #fetchResult<T>(account: AccountEntry, path: string, schema: z.ZodType<T>, signal?: AbortSignal): Promise<T> {
    const { accountId } = account;
    const response = await this.#http.request({
      accountId,
      method: 'GET',
      path,
      query: { key: account.key.reveal(), secret: account.secret.reveal() },
      signal,
    });
    const http = this.#http;
    const { statusCode } = response;

    // Transient HTTP failures win: whatever the body says, a retry could succeed.
    if (statusCode >= 500 || statusCode === 429) throw http.statusError(accountId, response);

    const envelope = response.json === undefined ? undefined : simpsyEnvelope.safeParse(response.json);
    const bodyStatus = envelope?.success ? envelope.data.status?.trim() : undefined;
    if (bodyStatus !== undefined && bodyStatus !== '200') {
      throw bodyStatusError(http, accountId, bodyStatus);
    }
    if (statusCode < 200 || statusCode >= 300) throw http.statusError(accountId, response);
    if (response.json === undefined) {
      throw http.error(ErrorCode.UPSTREAM_BAD_RESPONSE, accountId, `sent ${response.notJson}`);
    }
    if (!envelope?.success || bodyStatus === undefined) {
      throw http.error(ErrorCode.UPSTREAM_BAD_RESPONSE, accountId, 'sent a body without a "status"');
    }
    const result = schema.safeParse(envelope.data.result);
    if (!result.success) {
      const issues = describeIssues(result.error, ['result']);
      throw http.error(ErrorCode.UPSTREAM_BAD_RESPONSE, accountId, `sent a body ${issues}`);
    }
    return result.data;
  }

  /** Closes the connection pool. */
  close(): Promise<void> {
    return this.#http.close();
  }
}

function bodyStatusError(http: UpstreamHttp, accountId: string, status: string) {
  switch (status) {
    case '401':
      return http.error(ErrorCode.UPSTREAM_UNAUTHORIZED, accountId, 'rejected the API key and secret of this account', status);
    case '400':
      return http.error(ErrorCode.UPSTREAM_BAD_REQUEST, accountId, 'reported missing or invalid properties', status);
    case '300':
      return http.error(
        ErrorCode.UPSTREAM_PAYMENT_REQUIRED,
        accountId,
        'reports a failed payment: the payment method must be updated in the Simpsy panel',
        status,
      );
    default: {
      const shown = /^\d{1,3}$/.test(status) ? status : undefined;
      return http.error(ErrorCode.UPSTREAM_BAD_RESPONSE, accountId, 'answered with an unknown body status', shown);
    }
  }
}
