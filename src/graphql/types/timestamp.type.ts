import { Field, ObjectType } from 'type-graphql';
import type { ProviderDate, ProviderTimestamp } from '../../domain/account';
import { DateTimeScalar, LocalDateScalar } from './scalars';

@ObjectType('ProviderTimestamp', { simpleResolvers: true, description: "A provider date-time that has no zone, read in the provider's zone." })
export class ProviderTimestampType implements ProviderTimestamp {
  @Field(() => DateTimeScalar, { nullable: true, description: 'The instant, in UTC; null when the provider value is not a valid date-time.' })
  instant!: string | null;

  @Field(() => String, { description: 'The IANA time zone the provider value was read in, e.g. "Asia/Kolkata".' })
  timeZone!: string;

  @Field(() => String, { description: 'The value exactly as the provider sent it, e.g. "2020-08-19 13:24:24".' })
  raw!: string;
}

@ObjectType('ProviderDate', { simpleResolvers: true, description: 'A calendar date from the provider: no time, no zone.' })
export class ProviderDateType implements ProviderDate {
  @Field(() => LocalDateScalar, { nullable: true, description: 'The date as YYYY-MM-DD; null when the provider value is not a valid date.' })
  date!: string | null;

  @Field(() => String, { description: 'The value exactly as the provider sent it.' })
  raw!: string;
}
