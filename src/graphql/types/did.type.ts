import { Field, ObjectType } from 'type-graphql';
import type { Did } from '../../domain/account';
import { MoneyType } from './money.type';

@ObjectType('Did', { simpleResolvers: true, description: 'A phone number allocated to an account: a DID (direct inward dialling) number or a desk phone.' })
export class DidType implements Did {
  @Field(() => String, { description: 'The number exactly as the provider sent it.' })
  raw!: string;

  @Field(() => String, { nullable: true, description: 'E.164 form such as "+911206851234"; null when it cannot be derived (masked, short or invalid).' })
  e164!: string | null;

  @Field(() => String, { nullable: true, description: 'ISO 3166-1 alpha-2 country of the number, e.g. "US".' })
  country!: string | null;

  @Field(() => String, { nullable: true, description: 'The country as the provider named it, e.g. "United States".' })
  countryName!: string | null;

  @Field(() => MoneyType, { nullable: true, description: 'What the number costs each month; null when the provider does not say.' })
  monthlyPrice!: MoneyType | null;
}
