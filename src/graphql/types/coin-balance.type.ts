import { Field, Int, ObjectType } from 'type-graphql';
import type { CoinBalance } from '../../domain/account';
import type { CoinKind } from '../../domain/vocabulary';
import { CoinKindEnum } from './enums';

@ObjectType('CoinBalance', { simpleResolvers: true, description: 'Prepaid coins of one kind: how many were bought, are left and were used.' })
export class CoinBalanceType implements CoinBalance {
  @Field(() => CoinKindEnum, { description: 'What these coins pay for.' })
  kind!: CoinKind;

  @Field(() => Int, { nullable: true, description: 'Coins purchased; null when the provider did not say.' })
  purchased!: number | null;

  @Field(() => Int, { nullable: true, description: 'Coins available now; null when the provider did not say.' })
  available!: number | null;

  @Field(() => Int, { nullable: true, description: 'Coins used: purchased minus available; null when either is unknown.' })
  used!: number | null;
}
