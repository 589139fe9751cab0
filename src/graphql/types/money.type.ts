import { Field, ObjectType } from 'type-graphql';
import type { Money } from '../../domain/account';
import { DecimalScalar } from './scalars';

@ObjectType('Money', { simpleResolvers: true, description: 'An exact amount of money as the provider stated it, with its currency.' })
export class MoneyType implements Money {
  @Field(() => DecimalScalar, {
    nullable: true,
    description: 'The amount as an exact decimal string, e.g. "1234.50"; null when the provider value is not a number.',
  })
  amount!: string | null;

  @Field(() => String, {
    nullable: true,
    description: 'ISO 4217 currency code, e.g. "USD"; null when the provider gave no symbol or an unknown one.',
  })
  currency!: string | null;

  @Field(() => String, { description: 'The value exactly as the provider sent it, e.g. "$1,234.50".' })
  raw!: string;
}
