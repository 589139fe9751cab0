import { Ctx, FieldResolver, Int, Resolver, Root } from 'type-graphql';
import type { Validity } from '../domain/account';
import { validityInsight } from '../domain/validity-status';
import type { ValidityStatus } from '../domain/vocabulary';
import type { GraphQLContext } from './context';
import { oncePerObject } from './field-memo';
import { ValidityStatusEnum } from './types/enums';
import { ValidityType } from './types/validity.type';

/** A validity's insight at the request's `now`: computed once per validity and request, whichever of its fields are asked. */
const insightOf = oncePerObject((validity: Validity, now: Date, expiringSoonDays: number) =>
  validityInsight(validity.expiresAt, now, expiringSoonDays),
);

// Relative to the request's one `now`, so every field of a response agrees.
@Resolver(() => ValidityType)
export class ValidityResolver {
  @FieldResolver(() => Int, {
    nullable: true,
    description:
      "Calendar days from the request's date to the expiry date, both in the provider's zone: 0 when it expires today, negative once past; null when there is no readable expiry.",
  })
  daysUntilExpiry(@Root() validity: Validity, @Ctx() ctx: GraphQLContext): number | null {
    return insightOf(validity, ctx.now, ctx.insights.validityExpiringSoonDays).daysUntilExpiry;
  }

  @FieldResolver(() => ValidityStatusEnum, {
    description:
      'EXPIRED when the expiry is at or before the time of the request, EXPIRING_SOON within the configured window (default 14 days), else ACTIVE; UNKNOWN without a readable expiry.',
  })
  status(@Root() validity: Validity, @Ctx() ctx: GraphQLContext): ValidityStatus {
    return insightOf(validity, ctx.now, ctx.insights.validityExpiringSoonDays).status;
  }
}
