import { Directive, Field, ID, Int, ObjectType } from 'type-graphql';
import { OVERVIEW_ASSUMED_ACCOUNTS, cost } from '../federation-directives';
import { AccountType } from './account.type';
import { AttentionReasonEnum, ProviderEnum } from './enums';
import { MoneyType } from './money.type';
import type { AttentionReason } from '../../domain/vocabulary';
import type { Provider } from '../../domain/provider';

@ObjectType('AccountProblem', { simpleResolvers: true, description: 'Why an account could not be read.' })
export class AccountProblemType {
  @Field(() => String, { description: 'The error code, as on a GraphQL error (e.g. UPSTREAM_TIMEOUT).' })
  code!: string;

  @Field(() => String, { description: 'What went wrong, safe to show.' })
  message!: string;
}

@ObjectType('AccountOverview', { simpleResolvers: true, description: 'One account in the billing overview, with what needs attention.' })
export class AccountOverviewType {
  @Field(() => ProviderEnum, { description: 'The provider that bills the account.' })
  provider!: Provider;

  @Field(() => ID, { description: 'The account id within that provider.' })
  accountId!: string;

  // Already loaded, and paid for, by billingOverview (whatever is selected here): one object, not an account load.
  @Directive(cost(1))
  @Field(() => AccountType, { nullable: true, description: 'The account, or null when it could not be read (see problem).' })
  account!: AccountType | null;

  @Field(() => AccountProblemType, { nullable: true, description: 'Why the account could not be read; null when it was.' })
  problem!: AccountProblemType | null;

  @Field(() => [AttentionReasonEnum], { description: 'What needs attention, most urgent first; empty when all is well.' })
  attention!: AttentionReason[];
}

@ObjectType('BillingOverview', { simpleResolvers: true, description: "Every account the caller may see, across both providers, the ones needing attention first.",
})
export class BillingOverviewType {
  @Directive(`@listSize(assumedSize: ${OVERVIEW_ASSUMED_ACCOUNTS})`)
  @Field(() => [AccountOverviewType], { description: 'Accounts needing attention first (most urgent reason first), then the rest.' })
  accounts!: AccountOverviewType[];

  @Field(() => Int, { description: 'How many accounts need attention.' })
  needingAttention!: number;

  @Field(() => [MoneyType], { description: "The providers' stated monthly totals, summed exactly per currency." })
  monthlyTotals!: MoneyType[];

  @Field(() => Int, { description: 'Accounts with a monthly bill that could not be added up (unreadable amount, unknown currency, or unavailable).' })
  accountsWithoutMonthlyTotal!: number;
}
