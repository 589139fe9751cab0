import { FieldResolver, Resolver, Root } from 'type-graphql';
import type { MonthlyCharges } from '../domain/account';
import { reconciliationStatus } from '../domain/reconciliation';
import type { ReconciliationStatus } from '../domain/vocabulary';
import { ReconciliationStatusEnum } from './types/enums';
import { MonthlyChargesType } from './types/monthly-charges.type';

@Resolver(() => MonthlyChargesType)
export class MonthlyChargesResolver {
  @FieldResolver(() => ReconciliationStatusEnum, {
    description:
      'MATCHES when the line items add up to the stated total exactly, MISMATCH when they differ (one cent is enough), UNCHECKABLE when a total, amount or currency is unknown.',
  })
  status(@Root() charges: MonthlyCharges): ReconciliationStatus {
    return reconciliationStatus(charges);
  }
}
