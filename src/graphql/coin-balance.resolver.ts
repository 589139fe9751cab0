import { Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import type { AccountView, CoinBalance } from '../domain/account';
import { coinUsage, type CoinUsage } from '../domain/coin-usage';
import type { CoinKind } from '../domain/vocabulary';
import type { GraphQLContext } from './context';
import { oncePerObject } from './field-memo';
import { AccountType } from './types/account.type';

/** A balance as served: its counts and its usage under its kind's threshold. */
export type CoinBalanceView = CoinBalance & CoinUsage;

/**
 * An account's balances with their usage, computed once per list of balances and thresholds:
 * the thresholds are fixed per process, so a cached snapshot's balances are computed once and
 * served as plain values to every request (not three resolver calls per balance per request).
 */
const balancesOf = oncePerObject(
  (coins: readonly CoinBalance[], thresholds: Readonly<Record<CoinKind, number>>): readonly CoinBalanceView[] =>
    coins.map((balance) => ({ ...balance, ...coinUsage(balance, thresholds[balance.kind]) })),
);

// Computed from the balance's counts and the configured per-kind thresholds; no upstream call.
@Resolver(() => AccountType)
export class AccountCoinsResolver {
  @FieldResolver()
  coins(@Root() account: AccountView, @Ctx() ctx: GraphQLContext): readonly CoinBalanceView[] | null {
    return account.coins === null ? null : balancesOf(account.coins, ctx.insights.coinLowThresholdPercent);
  }
}
