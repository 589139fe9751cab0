import { Field, ObjectType } from 'type-graphql';
import type { CompanyProfile } from '../../domain/account';
import { PhoneNumberType } from './phone-number.type';

@ObjectType('CompanyProfile', { simpleResolvers: true, description: 'The company and administrator on record with the provider.' })
export class CompanyProfileType implements CompanyProfile {
  @Field(() => String, { nullable: true, description: 'The company name.' })
  companyName!: string | null;

  @Field(() => String, { nullable: true, description: 'The company address as one line.' })
  companyAddress!: string | null;

  @Field(() => String, { nullable: true, description: "The administrator's email address, as the provider sent it." })
  adminEmail!: string | null;

  @Field(() => String, { nullable: true, description: "The administrator's first name." })
  adminFirstName!: string | null;

  @Field(() => String, { nullable: true, description: "The administrator's last name." })
  adminLastName!: string | null;

  @Field(() => PhoneNumberType, { nullable: true, description: "The administrator's mobile number." })
  adminPhone!: PhoneNumberType | null;
}
