import { Field, Int, ObjectType } from 'type-graphql';
import type { Plan } from '../../domain/account';
import { MoneyType } from './money.type';
import { StorageSizeType } from './storage-size.type';

@ObjectType('Plan', { simpleResolvers: true, description: 'The subscription plan of a call-centre account.' })
export class PlanType implements Plan {
  @Field(() => String, { nullable: true, description: 'The plan name, e.g. "Small-Medium Enterprise".' })
  name!: string | null;

  @Field(() => MoneyType, { nullable: true, description: 'The monthly price of the plan itself.' })
  price!: MoneyType | null;

  @Field(() => Int, { nullable: true, description: 'Agent seats included in the plan.' })
  includedAgents!: number | null;

  @Field(() => StorageSizeType, { nullable: true, description: 'Storage included in the plan.' })
  includedStorage!: StorageSizeType | null;

  @Field(() => Int, { nullable: true, description: 'CRM seats included in the plan.' })
  includedCrm!: number | null;
}
