import { Field, ObjectType } from 'type-graphql';
import type { PhoneNumber } from '../../domain/account';

@ObjectType('PhoneNumber', { simpleResolvers: true, description: 'A phone number as the provider sent it, with its E.164 form when one can be derived.' })
export class PhoneNumberType implements PhoneNumber {
  @Field(() => String, { description: 'The number exactly as the provider sent it (it may be masked or in national form).' })
  raw!: string;

  @Field(() => String, { nullable: true, description: 'E.164 form such as "+911206851234"; null when the number is masked, short or invalid.' })
  e164!: string | null;

  @Field(() => String, { nullable: true, description: 'ISO 3166-1 alpha-2 country of the number, when known.' })
  country!: string | null;
}
