import type { AccountSnapshot } from '../domain/account';
import type { AccountEntry } from '../domain/account-entry';
import type { InvoiceList } from '../domain/invoice';
import type { Provider } from '../domain/provider';

/** Who a provider is: its id, and its name as people write it (in error messages). */
export interface ProviderIdentity {
  readonly provider: Provider;
  /** "Digidonar", "Simpsy": what messages call it ("Simpsy rejected the credentials…"). */
  readonly displayName: string;
}

/** What the account service needs from a provider: one account's snapshot (and its invoices, where the provider lists them), or a BillingError. */
export interface ProviderClient extends ProviderIdentity {
  /** Fetches and normalizes one account; rejects with a BillingError on any failure. */
  fetchSnapshot(account: AccountEntry, signal?: AbortSignal): Promise<AccountSnapshot>;
  /**
   * Fetches one account's invoices, newest first; rejects with a BillingError on any failure.
   * Optional: a provider without an invoice API (Digidonar) leaves it out.
   */
  fetchInvoices?(account: AccountEntry, signal?: AbortSignal): Promise<InvoiceList>;
  /** Releases connections. */
  close(): Promise<void>;
}
