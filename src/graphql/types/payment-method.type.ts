import { Directive, Field, ObjectType } from 'type-graphql';
import type { PaymentMethod } from '../../domain/account';
import { PAYMENT_TAG } from '../federation-directives';

@Directive(PAYMENT_TAG)
@ObjectType('PaymentMethod', { simpleResolvers: true, description: 'How the account pays. The card number is never shown unmasked.' })
export class PaymentMethodType implements PaymentMethod {
  @Field(() => String, { nullable: true, description: 'The payment method as the provider names it, e.g. "Visa".' })
  type!: string | null;

  @Field(() => String, {
    nullable: true,
    description: 'The card number exactly as masked by the provider (e.g. "411111******1111"), or masked further if it showed more than the first 6 and last 4 digits.',
  })
  maskedCardNumber!: string | null;

  @Field(() => String, { nullable: true, description: 'The last four digits of the card, when the masked number shows them.' })
  last4!: string | null;
}
