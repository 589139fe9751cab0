import { Field, ID, ObjectType } from 'type-graphql';
import type { Invoice } from '../../domain/invoice';
import type { InvoiceStatus } from '../../domain/vocabulary';
import { InvoiceStatusEnum } from './enums';
import { MoneyType } from './money.type';
import { ProviderDateType } from './timestamp.type';

@ObjectType('Invoice', { simpleResolvers: true, description: 'One invoice of an account, as the provider lists it (Simpsy).' })
export class InvoiceType implements Invoice {
  @Field(() => ID, { description: "The provider's invoice id." })
  id!: string;

  @Field(() => ProviderDateType, { nullable: true, description: 'The invoice date, a calendar date; null when the provider sent none.' })
  date!: ProviderDateType | null;

  @Field(() => MoneyType, { nullable: true, description: 'The invoiced amount, exact; null when the provider sent none.' })
  amount!: MoneyType | null;

  @Field(() => InvoiceStatusEnum, { description: 'Where the invoice stands; UNKNOWN for a status word not recognized (see rawStatus).' })
  status!: InvoiceStatus;

  @Field(() => String, { nullable: true, description: 'The status exactly as the provider sent it, e.g. "Paid".' })
  rawStatus!: string | null;

  @Field(() => String, {
    nullable: true,
    description:
      "Where the invoice can be viewed at the provider: an https link under an allowed prefix ending in this invoice's id (optionally .pdf), rebuilt without query string or fragment, so it carries nothing else from the provider; null for any other link.",
  })
  url!: string | null;
}
