import { Field, Int, ObjectType } from 'type-graphql';
import type { Addon } from '../../domain/account';
import type { AddonKind } from '../../domain/vocabulary';
import { AddonKindEnum } from './enums';
import { MoneyType } from './money.type';
import { StorageSizeType } from './storage-size.type';

@ObjectType('Addon', { simpleResolvers: true, description: 'A priced add-on on top of the plan. DIDs are listed apart, on Account.dids.' })
export class AddonType implements Addon {
  @Field(() => AddonKindEnum, { description: 'What the add-on adds.' })
  kind!: AddonKind;

  @Field(() => Int, { nullable: true, description: 'How many units (agents, CRM seats); null for storage, which has a size.' })
  quantity!: number | null;

  @Field(() => StorageSizeType, { nullable: true, description: 'The extra storage, for a STORAGE add-on.' })
  size!: StorageSizeType | null;

  @Field(() => MoneyType, { nullable: true, description: 'The price of one unit (one agent, one GB); null when the provider gives none.' })
  unitPrice!: MoneyType | null;

  @Field(() => MoneyType, { nullable: true, description: 'What the add-on costs each month.' })
  totalPrice!: MoneyType | null;
}
