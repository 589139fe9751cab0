import { Args, Ctx, Directive, FieldResolver, Resolver, Root } from 'type-graphql';
import type { AccountView } from '../domain/account';
import { assertCanRead } from './access';
import type { GraphQLContext } from './context';
import { INVOICE_LOAD_COST, cost } from './federation-directives';
import { MAX_INVOICES_PER_PAGE, cursorInvoiceId, invoicePage, pageSize } from './invoice.connection';
import { AccountType } from './types/account.type';
import { InvoiceConnectionType } from './types/invoice-connection.type';
import { InvoicesArgs } from './types/invoices.args';

// Invoices are a field of an Account the caller could already read, loaded only when selected,
// through a per-request loader of their own: aliases with other pages cost one upstream call.
@Resolver(() => AccountType)
export class AccountInvoicesResolver {
  // One upstream call, and a page of `first` edges and nodes (20 when left out: the default counts).
  @Directive(cost(INVOICE_LOAD_COST))
  @Directive('@listSize(slicingArguments: ["first"], sizedFields: ["edges", "nodes"], requireOneSlicingArgument: false)')
  @FieldResolver(() => InvoiceConnectionType, {
    nullable: true,
    description: `The account's invoices, newest first (by date, then id), a page at a time (Simpsy only: null for Digidonar). Fetched only when asked for, once per account per request however many pages are asked, and cached like the account. A failure to fetch them is an error on this field only; first outside 0..${MAX_INVOICES_PER_PAGE} is BAD_USER_INPUT, an unknown after cursor INVALID_CURSOR.`,
  })
  async invoices(
    @Root() account: AccountView,
    @Args(() => InvoicesArgs) { first, after }: InvoicesArgs,
    @Ctx() ctx: GraphQLContext,
  ): Promise<InvoiceConnectionType | null> {
    const key = { provider: account.provider, accountId: account.accountId };
    // Bad arguments cost no upstream call.
    const size = pageSize(first, key);
    const afterId = after === null || after === undefined ? null : cursorInvoiceId(after, key);
    // The account was readable to get here; checked again so no other path can skip it.
    assertCanRead(ctx.access, key);
    const list = await ctx.loaders.invoices.load(key);
    return list === null ? null : invoicePage(list, size, afterId, key);
  }
}
