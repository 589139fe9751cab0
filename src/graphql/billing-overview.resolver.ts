import { Ctx, Directive, Query, Resolver } from 'type-graphql';
import { BillingError, ErrorCode } from '../domain/billing-error';
import { attentionReasons, totalsPerCurrency, urgency, type AccountOutcome } from '../domain/attention';
import { accountKeyString } from '../domain/provider';
import { readableAccounts } from './access';
import { loadReadable } from './readable-account';
import { OVERVIEW_LOAD_COST, cost } from './federation-directives';
import type { GraphQLContext } from './context';
import { BillingOverviewType, type AccountOverviewType } from './types/billing-overview.type';

function problemOf(error: unknown): { code: string; message: string } {
  if (error instanceof BillingError) return { code: error.code, message: error.message };
  const code = (error as { extensions?: { code?: unknown } })?.extensions?.code;
  return typeof code === 'string'
    ? { code, message: (error as Error).message }
    : { code: ErrorCode.INTERNAL, message: 'Internal server error' };
}

// One view across both providers: every account through the same per-request loader, so it
// costs one upstream call per account, and shares it with any other field of the request.
@Resolver(() => BillingOverviewType)
export class BillingOverviewResolver {
  @Directive('@authenticated')
  @Directive(cost(OVERVIEW_LOAD_COST))
  @Query(() => BillingOverviewType, {
    nullable: true,
    description:
      "Every account the caller may see (their tenants' accounts; all when auth is off), across both providers, those needing attention first, with monthly totals per currency.",
  })
  async billingOverview(@Ctx() ctx: GraphQLContext): Promise<BillingOverviewType> {
    const keys = readableAccounts(ctx.access);
    const settled = await Promise.allSettled(keys.map((key) => loadReadable(ctx, key)));
    const entries = keys.map((key, index): AccountOverviewType & { order: number } => {
      const result = settled[index]!;
      const outcome: AccountOutcome =
        result.status === 'fulfilled' ? { view: result.value } : { errorCode: problemOf(result.reason).code };
      const attention = attentionReasons(outcome, ctx.now, ctx.insights);
      return {
        provider: key.provider as AccountOverviewType['provider'],
        accountId: key.accountId,
        account: result.status === 'fulfilled' ? (result.value as AccountOverviewType['account']) : null,
        problem: result.status === 'rejected' ? problemOf(result.reason) : null,
        attention: attention as AccountOverviewType['attention'],
        order: urgency(attention),
      };
    });
    entries.sort((a, b) => a.order - b.order || accountKeyString(a).localeCompare(accountKeyString(b)));
    const billed = settled.filter((r) => r.status === 'rejected' || r.value.monthlyTotal !== null);
    const totals = settled.map((r) => (r.status === 'fulfilled' ? r.value.monthlyTotal : null));
    const summed = totalsPerCurrency(totals);
    const readable = totals.filter((t) => t !== null && t.amount !== null && t.currency !== null).length;
    return {
      accounts: entries.map(({ order: _order, ...entry }) => entry),
      needingAttention: entries.filter((entry) => entry.attention.length > 0).length,
      monthlyTotals: summed,
      accountsWithoutMonthlyTotal: billed.length - readable,
    };
  }
}
