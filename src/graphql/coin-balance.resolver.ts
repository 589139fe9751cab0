import { Ctx, FieldResolver, Float, Resolver, Root } from 'type-graphql';
import type { CoinBalance } from '../domain/account';
import { coinUsage } from '../domain/coin-usage';
import type { CoinStatus } from '../domain/vocabulary';
import type { GraphQLContext } from './context';
import { oncePerObject } from './field-memo';
import { CoinBalanceType } from './types/coin-balance.type';
import { CoinStatusEnum } from './types/enums';

/** A balance's usage under its kind's threshold: computed once per balance, whichever of its fields are asked. */
const usageOf = oncePerObject((balance: CoinBalance, lowThresholdPercent: number) => coinUsage(balance, lowThresholdPercent));

// Computed from the balance's counts and the configured per-kind thresholds; no upstream call.
@Resolver(() => CoinBalanceType)
export class CoinBalanceResolver {
  @FieldResolver(() => Float, {
    nullable: true,
    description: 'Percent of the purchased coins used (used / purchased * 100, 2 decimals); null when purchased is 0 or a count is unknown.',
  })
  usedPercent(@Root() balance: CoinBalance, @Ctx() ctx: GraphQLContext): number | null {
    return usageOf(balance, ctx.insights.coinLowThresholdPercent[balance.kind]).usedPercent;
  }

  @FieldResolver(() => Float, {
    nullable: true,
    description: 'Percent of the purchased coins still available (available / purchased * 100, 2 decimals); null when purchased is 0 or a count is unknown.',
  })
  remainingPercent(@Root() balance: CoinBalance, @Ctx() ctx: GraphQLContext): number | null {
    return usageOf(balance, ctx.insights.coinLowThresholdPercent[balance.kind]).remainingPercent;
  }

  @FieldResolver(() => CoinStatusEnum, {
    description: 'EXHAUSTED when none are available, LOW at or below the threshold of this coin kind (default 10% of purchased), else OK; UNKNOWN when it cannot be computed.',
  })
  status(@Root() balance: CoinBalance, @Ctx() ctx: GraphQLContext): CoinStatus {
    return usageOf(balance, ctx.insights.coinLowThresholdPercent[balance.kind]).status;
  }
}
