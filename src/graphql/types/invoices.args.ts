import { ArgsType, Field, Int } from 'type-graphql';
import { DEFAULT_INVOICES_PER_PAGE, MAX_INVOICES_PER_PAGE } from '../invoice.connection';

@ArgsType()
export class InvoicesArgs {
  @Field(() => Int, {
    nullable: true,
    defaultValue: DEFAULT_INVOICES_PER_PAGE,
    description: `How many invoices to return, 0 to ${MAX_INVOICES_PER_PAGE} (null means ${DEFAULT_INVOICES_PER_PAGE}).`,
  })
  first!: number | null;

  @Field(() => String, {
    nullable: true,
    description: "Return the invoices after this cursor (a previous page's pageInfo.endCursor); from the newest when null.",
  })
  after!: string | null;
}
