import type { Dispatcher } from 'undici';
import { z } from 'zod';
import { invoiceLinkPrefix } from '../../domain/invoice';
import type { ProviderClient } from '../provider-client';
import type { ProviderModule } from '../provider-module';
import type { UpstreamHttpOptions } from '../upstream-http';
import { mapBody } from '../wire';
import { SIMPSY, SimpsyClient } from './simpsy.client';
import { SIMPSY_FAKE } from './simpsy.fake';
import { simpsyInvoices } from './simpsy-invoices.mapper';
import { simpsySnapshot } from './simpsy.mapper';

/** Where Simpsy's invoice links may point unless SIMPSY_INVOICE_LINK_PREFIXES says otherwise (see invoiceUrl). */
export const DEFAULT_SIMPSY_INVOICE_LINK_PREFIXES: readonly string[] = ['https://voice.simpsy.com/billing/invoices/'];

/** How to reach Simpsy, and where its invoice links may point (normalized prefixes; none: no links). */
export type SimpsyProviderOptions = Omit<UpstreamHttpOptions, 'provider' | 'displayName'> & {
  readonly invoiceLinkPrefixes?: readonly string[];
};

/** Creates the Simpsy Voice provider: client plus mappers (details and invoices), behind the ProviderClient interface. */
export function createSimpsyProvider(options: SimpsyProviderOptions, dispatcher?: Dispatcher): ProviderClient {
  const client = new SimpsyClient(options, dispatcher);
  const linkPrefixes = options.invoiceLinkPrefixes ?? DEFAULT_SIMPSY_INVOICE_LINK_PREFIXES;
  return {
    ...SIMPSY,
    async fetchSnapshot(account, signal) {
      const billing = await client.fetchDetails(account, signal);
      return mapBody(SIMPSY, account.accountId, () => simpsySnapshot(billing, account.accountId, new Date()));
    },
    async fetchInvoices(account, signal) {
      const invoices = await client.fetchInvoices(account, signal);
      return mapBody(SIMPSY, account.accountId, () => simpsyInvoices(invoices, account, new Date(), linkPrefixes));
    },
    close: () => client.close(),
  };
}

/** SIMPSY_INVOICE_LINK_PREFIXES: a comma-separated allow-list of invoice link prefixes, or "none" for no links at all. */
const invoiceLinkPrefixes = z
  .string()
  .optional()
  .transform((value, context): readonly string[] => {
    if (value === undefined) return DEFAULT_SIMPSY_INVOICE_LINK_PREFIXES;
    if (value.trim() === 'none') return Object.freeze([]);
    const prefixes: string[] = [];
    for (const [index, entry] of value.split(',').filter((item) => item.trim() !== '').entries()) {
      try {
        prefixes.push(invoiceLinkPrefix(entry));
      } catch (error) {
        // The entry is not echoed: a refused one may hold a token.
        context.addIssue({ code: 'custom', message: `entry ${index + 1} ${(error as Error).message}` });
        return z.NEVER;
      }
    }
    return Object.freeze(prefixes);
  });

/** Simpsy Voice, cloud call centre: billing details and invoices, with its own invoice link allow-list. */
export const simpsy: ProviderModule<{ invoiceLinkPrefixes: readonly string[] }> = {
  id: SIMPSY.provider,
  displayName: SIMPSY.displayName,
  description: 'Simpsy Voice, cloud call centre: plan, add-ons, DIDs, credit limit and payment.',
  // A call-centre plan changes by the month: a longer TTL.
  defaults: { baseUrl: 'http://voice.simpsy.com/api/v1', timeZone: 'UTC', cacheTtlSeconds: 300 },
  settings: { invoiceLinkPrefixes },
  capabilities: ['snapshot', 'invoices'],
  createClient: createSimpsyProvider,
  fake: SIMPSY_FAKE,
};
