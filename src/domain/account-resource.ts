/**
 * What is fetched from a provider, and cached, per account: its snapshot (Digidonar's profile,
 * Simpsy's billing details) or its invoice list. One word across the resilience layer, the
 * service's cache and the metrics (whose label values are mapped at the edge: see metrics.ts).
 */
export type AccountResource = 'snapshot' | 'invoices';
