import { Field, ObjectType } from 'type-graphql';
import type { Validity } from '../../domain/account';
import { ProviderTimestampType } from './timestamp.type';

@ObjectType('Validity', { simpleResolvers: true, description: 'The service term of a prepaid account and its lifecycle dates.' })
export class ValidityType implements Validity {
  @Field(() => String, { nullable: true, description: 'The validity period of the service as the provider names it, e.g. "Yearly".' })
  serviceOrder!: string | null;

  @Field(() => ProviderTimestampType, { nullable: true, description: 'When the account was created.' })
  createdAt!: ProviderTimestampType | null;

  @Field(() => ProviderTimestampType, { nullable: true, description: 'When the account was last updated.' })
  updatedAt!: ProviderTimestampType | null;

  @Field(() => ProviderTimestampType, { nullable: true, description: 'When the service expires.' })
  expiresAt!: ProviderTimestampType | null;
}
