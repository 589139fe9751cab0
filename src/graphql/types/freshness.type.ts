import { Directive, Field, Int, ObjectType } from 'type-graphql';
import type { Freshness, RefreshError } from '../../domain/account';
import { INTERNAL_TAG } from '../federation-directives';
import { DateTimeScalar } from './scalars';

@Directive(INTERNAL_TAG)
@ObjectType('RefreshError', { simpleResolvers: true, description: 'Why the latest refresh of an account (or its invoices) failed while older data is served.' })
export class RefreshErrorType implements RefreshError {
  @Field(() => String, { description: 'The error code the refresh failed with, e.g. UPSTREAM_TIMEOUT.' })
  code!: string;

  @Field(() => String, { description: 'What went wrong, safe to show.' })
  message!: string;
}

@Directive(INTERNAL_TAG)
@ObjectType('Freshness', { simpleResolvers: true, description: "How current an account's billing data, or its invoice list, is." })
export class FreshnessType implements Freshness {
  @Field(() => DateTimeScalar, { description: 'When the provider answered with this data.' })
  fetchedAt!: string;

  @Field(() => Int, { description: 'Seconds since then, when this response was built.' })
  ageSeconds!: number;

  @Field(() => Int, { description: "How long this provider's data is served without asking it again (the cache TTL)." })
  maxAgeSeconds!: number;

  @Field(() => Boolean, {
    description: 'True when the latest refresh failed and older data is served in its place (see refreshError).',
  })
  stale!: boolean;

  @Field(() => RefreshErrorType, { nullable: true, description: 'The failure that made the data stale; null when fresh.' })
  refreshError!: RefreshErrorType | null;
}
