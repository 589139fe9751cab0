import { Field, ObjectType } from 'type-graphql';
import type { ChargeLineItem, MonthlyCharges } from '../../domain/account';
import type { ChargeKind } from '../../domain/vocabulary';
import { ChargeKindEnum } from './enums';
import { MoneyType } from './money.type';

@ObjectType('ChargeLineItem', { simpleResolvers: true, description: 'One line of a monthly bill.' })
export class ChargeLineItemType implements ChargeLineItem {
  @Field(() => ChargeKindEnum, { description: 'What the line is for.' })
  kind!: ChargeKind;

  @Field(() => String, { description: 'A human-readable label, e.g. "Add-on: 10 extra agents".' })
  description!: string;

  @Field(() => MoneyType, { description: 'What the line costs each month.' })
  amount!: MoneyType;
}

@ObjectType('MonthlyCharges', { simpleResolvers: true, description: "The monthly bill as line items (plan, each add-on, each DID), their sum, and whether it matches the provider's stated total.",
})
export class MonthlyChargesType implements MonthlyCharges {
  @Field(() => [ChargeLineItemType], { description: 'The plan, each add-on and each DID, in that order.' })
  lineItems!: ChargeLineItemType[];

  @Field(() => MoneyType, { nullable: true, description: 'The exact sum of the line items; null when an amount is unknown or currencies differ.' })
  computedTotal!: MoneyType | null;

  @Field(() => MoneyType, { nullable: true, description: "The provider's own monthly total." })
  statedTotal!: MoneyType | null;

  @Field(() => MoneyType, { nullable: true, description: 'statedTotal minus computedTotal; null when either is unknown.' })
  difference!: MoneyType | null;

  @Field(() => Boolean, { nullable: true, description: 'True when the line items add up to the stated total exactly, false when not, null when it cannot be checked.' })
  matches!: boolean | null;
}
