import { Ctx, FieldResolver, Int, Resolver, Root } from 'type-graphql';
import type { Validity } from '../domain/account';
import { validityInsight } from '../domain/validity-status';
import type { ValidityStatus } from '../domain/vocabulary';
import type { GraphQLContext } from './context';
import { ValidityStatusEnum } from './types/enums';
import { ValidityType } from './types/validity.type';

// Relative to the request's one `now`, so every field of a response agrees.
@Resolver(() => ValidityType)
export class ValidityResolver {
  @FieldResolver(() => Int, {
    nullable: true,
    description:
      "Calendar days from the request's date to the expiry date, both in the provider's zone: 0 when it expires today, negative once past; null when there is no readable expiry.",
  })
  daysUntilExpiry(@Root() validity: Validity, @Ctx() ctx: GraphQLContext): number | null {
    return validityInsight(validity.expiresAt, ctx.now, ctx.insights.validityExpiringSoonDays).daysUntilExpiry;
  }

  @FieldResolver(() => ValidityStatusEnum, {
    description:
      'EXPIRED when the expiry is at or before the time of the request, EXPIRING_SOON within the configured window (default 14 days), else ACTIVE; UNKNOWN without a readable expiry.',
  })
  status(@Root() validity: Validity, @Ctx() ctx: GraphQLContext): ValidityStatus {
    return validityInsight(validity.expiresAt, ctx.now, ctx.insights.validityExpiringSoonDays).status;
  }
}
