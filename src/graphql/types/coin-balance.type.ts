import { Field, Float, Int, ObjectType } from 'type-graphql';
import type { CoinBalanceView } from '../coin-balance.resolver';
import type { CoinKind, CoinStatus } from '../../domain/vocabulary';
import { CoinKindEnum, CoinStatusEnum } from './enums';

@ObjectType('CoinBalance', { simpleResolvers: true, description: 'Prepaid coins of one kind: how many were bought, are left and were used.' })
export class CoinBalanceType implements CoinBalanceView {
  @Field(() => CoinKindEnum, { description: 'What these coins pay for.' })
  kind!: CoinKind;

  @Field(() => Int, { nullable: true, description: 'Coins purchased; null when the provider did not say.' })
  purchased!: number | null;

  @Field(() => Int, { nullable: true, description: 'Coins available now; null when the provider did not say.' })
  available!: number | null;

  @Field(() => Int, { nullable: true, description: 'Coins used: purchased minus available; null when either is unknown.' })
  used!: number | null;

  @Field(() => Float, {
    nullable: true,
    description: 'Percent of the purchased coins used (used / purchased * 100, 2 decimals); null when purchased is 0 or a count is unknown.',
  })
  usedPercent!: number | null;

  @Field(() => Float, {
    nullable: true,
    description: 'Percent of the purchased coins still available (available / purchased * 100, 2 decimals); null when purchased is 0 or a count is unknown.',
  })
  remainingPercent!: number | null;

  @Field(() => CoinStatusEnum, {
    description: 'EXHAUSTED when none are available, LOW at or below the threshold of this coin kind (default 10% of purchased), else OK; UNKNOWN when it cannot be computed.',
  })
  status!: CoinStatus;
}
