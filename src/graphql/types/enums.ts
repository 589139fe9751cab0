import { registerEnumType } from 'type-graphql';
import {
  ADDON_KIND_MEANINGS,
  ATTENTION_REASON_MEANINGS,
  CHARGE_KIND_MEANINGS,
  COIN_KIND_MEANINGS,
  COIN_STATUS_MEANINGS,
  INVOICE_STATUS_MEANINGS,
  RECONCILIATION_STATUS_MEANINGS,
  STORAGE_UNIT_MEANINGS,
  VALIDITY_STATUS_MEANINGS,
  type ValueMeanings,
} from '../../domain/vocabulary';

/**
 * Registers a GraphQL enum whose values are a domain list's, in its order and with its meanings
 * as their descriptions. Each value is its own name, so domain values pass through unchanged.
 */
function domainEnum<V extends string>(name: string, description: string, meanings: ValueMeanings<V>): { readonly [K in V]: K } {
  const values = Object.fromEntries(Object.keys(meanings).map((value) => [value, value])) as { [K in V]: K };
  const valuesConfig = Object.fromEntries(
    Object.entries<string>(meanings).map(([value, meaning]) => [value, { description: meaning }]),
  ) as { [K in V]: { description: string } };
  registerEnumType(values, { name, description, valuesConfig });
  return values;
}

/**
 * The Provider enum while TypeGraphQL builds the schema. Its one value stands in for the
 * providers: buildBillingSchema replaces it with the provider list it is given (one value per
 * provider module, described by the module), so that list alone decides the values.
 */
export const ProviderEnum = { PROVIDER_LIST_PLACEHOLDER: 'PROVIDER_LIST_PLACEHOLDER' };
registerEnumType(ProviderEnum, { name: 'Provider', description: 'The telecom provider that bills an account.' });

export const CoinKindEnum = domainEnum('CoinKind', 'What a prepaid coin pays for.', COIN_KIND_MEANINGS);

export const AddonKindEnum = domainEnum(
  'AddonKind',
  'What an add-on adds to the plan. DIDs are listed apart, as Did values.',
  ADDON_KIND_MEANINGS,
);

export const ChargeKindEnum = domainEnum('ChargeKind', 'What a monthly line item is for.', CHARGE_KIND_MEANINGS);

export const StorageUnitEnum = domainEnum(
  'StorageUnit',
  'The unit a storage size was given in (decimal: 1 GB = 1000 MB).',
  STORAGE_UNIT_MEANINGS,
);

export const CoinStatusEnum = domainEnum(
  'CoinStatus',
  'How a coin balance stands, from its purchased and available counts.',
  COIN_STATUS_MEANINGS,
);

export const ValidityStatusEnum = domainEnum(
  'ValidityStatus',
  'Where the service term stands at the time of the request.',
  VALIDITY_STATUS_MEANINGS,
);

export const ReconciliationStatusEnum = domainEnum(
  'ReconciliationStatus',
  "Whether a monthly bill's line items add up to the provider's stated total.",
  RECONCILIATION_STATUS_MEANINGS,
);

export const AttentionReasonEnum = domainEnum(
  'AttentionReason',
  'Why an account needs someone to look at it. Listed most urgent first.',
  ATTENTION_REASON_MEANINGS,
);

export const InvoiceStatusEnum = domainEnum(
  'InvoiceStatus',
  "Where an invoice stands, read case-insensitively from the provider's status word (kept in Invoice.rawStatus).",
  INVOICE_STATUS_MEANINGS,
);
