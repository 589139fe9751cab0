import { Authorized, Directive, Field, ID, ObjectType } from 'type-graphql';
import { PAYMENT_SCOPE } from '../access';
import { ACCOUNT_LOAD_COST, INTERNAL_TAG, PAYMENT_TAG, cost } from '../federation-directives';
import type { AccountView } from '../../domain/account';
import type { Provider } from '../../domain/provider';
import { AddonType } from './addon.type';
import { CoinBalanceType } from './coin-balance.type';
import { CompanyProfileType } from './company-profile.type';
import { DidType } from './did.type';
import { FreshnessType } from './freshness.type';
import { ProviderEnum } from './enums';
import { MoneyType } from './money.type';
import { MonthlyChargesType } from './monthly-charges.type';
import { PaymentMethodType } from './payment-method.type';
import { PlanType } from './plan.type';
import { DateTimeScalar } from './scalars';
import { ProviderDateType } from './timestamp.type';
import { ValidityType } from './validity.type';

// Provider-specific parts are nullable: a Digidonar account has no plan, a Simpsy account no coins.
@Directive('@key(fields: "provider accountId")')
@Directive('@authenticated')
@Directive(cost(ACCOUNT_LOAD_COST))
@ObjectType('Account', { simpleResolvers: true, description:
    'A telephony account billed by one provider, with its billing data normalized. Keyed by provider and accountId, so any subgraph can reference it.',
})
export class AccountType implements AccountView {
  @Field(() => ProviderEnum, { description: 'The provider that bills this account.' })
  provider!: Provider;

  @Field(() => ID, { description: "The account's id: Digidonar's account_id, or the name given to a Simpsy account in the accounts file." })
  accountId!: string;

  @Field(() => DateTimeScalar, { description: 'When the provider answered with this data (also in freshness).' })
  fetchedAt!: string;

  @Directive(INTERNAL_TAG)
  @Field(() => FreshnessType, { description: 'How current the data is, and whether it is served stale after a failed refresh.' })
  freshness!: FreshnessType;

  @Field(() => CompanyProfileType, { nullable: true, description: 'The company and administrator on record (Digidonar).' })
  profile!: CompanyProfileType | null;

  @Field(() => [CoinBalanceType], { nullable: true, description: 'Prepaid coin balances: SMS, OBD, VOIP, click-to-call and calls (Digidonar).' })
  coins!: CoinBalanceType[] | null;

  @Field(() => ValidityType, { nullable: true, description: 'The service term and its dates (Digidonar).' })
  validity!: ValidityType | null;

  @Field(() => [DidType], { nullable: true, description: 'Desk phone (IVR) numbers allocated to the account (Digidonar).' })
  deskPhones!: DidType[] | null;

  @Field(() => [DidType], { nullable: true, description: 'DID numbers of the account: backend DIDs (Digidonar) or DID add-ons with their country and monthly price (Simpsy).' })
  dids!: DidType[] | null;

  @Field(() => PlanType, { nullable: true, description: 'The subscription plan (Simpsy).' })
  plan!: PlanType | null;

  @Field(() => [AddonType], { nullable: true, description: 'Priced add-ons: agents, storage, CRM (Simpsy). DID add-ons are in dids.' })
  addons!: AddonType[] | null;

  @Directive(PAYMENT_TAG)
  @Field(() => MoneyType, { nullable: true, description: 'The credit limit (Simpsy).' })
  creditLimit!: MoneyType | null;

  @Field(() => ProviderDateType, { nullable: true, description: 'The billing cycle date (Simpsy).' })
  billingCycle!: ProviderDateType | null;

  @Field(() => String, { nullable: true, description: 'How calls are routed, e.g. "Normal" (Simpsy).' })
  callRoute!: string | null;

  @Authorized(PAYMENT_SCOPE)
  @Directive(`@requiresScopes(scopes: [["${PAYMENT_SCOPE}"]])`)
  @Directive(PAYMENT_TAG)
  @Field(() => PaymentMethodType, {
    // Every type uses plain property reads (simpleResolvers), which skip TypeGraphQL's
    // middleware and so @Authorized: this field must keep its wrapper (test/graphql/schema-auth.test.ts).
    simple: false,
    nullable: true,
    description: `How the account pays, with the card masked (Simpsy). Needs the ${PAYMENT_SCOPE} scope when auth is on.`,
  })
  paymentMethod!: PaymentMethodType | null;

  @Field(() => MoneyType, { nullable: true, description: "The provider's stated monthly total (Simpsy)." })
  monthlyTotal!: MoneyType | null;

  @Field(() => MonthlyChargesType, { nullable: true, description: 'The monthly total as line items, checked against the stated total (Simpsy).' })
  monthlyCharges!: MonthlyChargesType | null;
}
