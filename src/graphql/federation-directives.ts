// What an operation costs this subgraph, told to the router as the federation @cost and
// @listSize directives (federation v2.9+, the IBM cost spec). A router that scores operations
// (Apollo Router's demand control, Hive Gateway's) starts from 1 per object and 0 per scalar or
// enum, multiplies by list sizes, and rejects operations over its configured maximum. The
// numbers here put the real cost where it is: each account load may be an upstream call, each
// invoice list another. They are static: the SDL is the same on every instance and in
// schema.graphql, whatever the accounts file holds.

/**
 * An account: one upstream call when it is not cached, and what the providers rate-limit.
 * Worth ten plain objects. On the type, so it counts wherever an Account is returned: `account`,
 * every item of `accounts`, and the entities another subgraph references.
 */
export const ACCOUNT_LOAD_COST = 10;

/** An account's invoice list: one more upstream call (Simpsy's /billing/invoice) when selected. */
export const INVOICE_LOAD_COST = 10;

/**
 * How many items `accounts` is assumed to return. A router can size a list only by an Int
 * argument, not by the length of `keys`, so this is the most it returns: the default of
 * MAX_ACCOUNTS_PER_QUERY (a test keeps the two equal). The estimate is an upper bound, as a
 * router's estimate is meant to be.
 */
export const ACCOUNTS_ASSUMED_SIZE = 100;

/**
 * How many accounts `billingOverview` is assumed to cover: every account the caller may see,
 * which depends on the accounts file, not on the query. 50 is a guess for a typical
 * deployment; one with many more accounts should raise it, or its router will under-estimate
 * the overview.
 */
export const OVERVIEW_ASSUMED_ACCOUNTS = 50;

/** The overview loads every account it covers, whatever the query selects of them. */
export const OVERVIEW_LOAD_COST = ACCOUNT_LOAD_COST * OVERVIEW_ASSUMED_ACCOUNTS;

/** `@cost(weight: n)`. */
export const cost = (weight: number) => `@cost(weight: ${weight})`;

// Contract tags (@tag): what a contract variant of the supergraph may leave out. A contract
// built with `excludes: ["payment"]` keeps billing without card data and credit limits, for a
// partner or customer-facing graph; `excludes: ["internal"]` drops how this subgraph runs (cache
// ages, TTLs, refresh failures), which says nothing about the bill.

/** Payment details: the masked card and the credit limit. */
export const PAYMENT_TAG = '@tag(name: "payment")';

/** Operational detail of this subgraph: freshness and refresh failures. */
export const INTERNAL_TAG = '@tag(name: "internal")';
