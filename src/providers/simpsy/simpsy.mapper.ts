import type { AccountSnapshot, Addon, ChargeLineItem, Did, Money, Plan } from '../../domain/account';
import { monthlyCharges } from '../../domain/charges';
import { parseCount } from '../../domain/coins';
import { countryCodeFromName } from '../../domain/country';
import { parseProviderDate } from '../../domain/dates';
import { parseMoney } from '../../domain/money';
import { paymentMethod } from '../../domain/payment';
import { parsePhoneNumber } from '../../domain/phone';
import { parseStorageSize } from '../../domain/storage-size';
import type { SimpsyBilling } from './simpsy.wire';

const money = (raw: string | null): Money | null => (raw === null ? null : parseMoney(raw));

function plan(wire: SimpsyBilling['plan']): Plan | null {
  if (!wire) return null;
  return {
    name: wire.name,
    price: money(wire.price),
    includedAgents: parseCount(wire.no_of_agents),
    includedStorage: wire.storage === null ? null : parseStorageSize(wire.storage),
    includedCrm: parseCount(wire.crm),
  };
}

function addons(wire: SimpsyBilling['addon']): Addon[] {
  const result: Addon[] = [];
  if (wire?.agents) {
    result.push({
      kind: 'AGENTS',
      quantity: parseCount(wire.agents.no_of_agents),
      size: null,
      unitPrice: money(wire.agents.price_per_agent),
      totalPrice: money(wire.agents.total_agent_price),
    });
  }
  if (wire?.storage) {
    result.push({
      kind: 'STORAGE',
      quantity: null,
      size: wire.storage.no_of_storage === null ? null : parseStorageSize(wire.storage.no_of_storage),
      unitPrice: money(wire.storage.price_per_gb),
      totalPrice: money(wire.storage.total_storage_price),
    });
  }
  if (wire?.crm) {
    result.push({
      kind: 'CRM',
      quantity: parseCount(wire.crm.no_of_crm),
      size: null,
      unitPrice: null,
      totalPrice: money(wire.crm.total_storage_price),
    });
  }
  return result;
}

function dids(wire: SimpsyBilling['addon']): Did[] {
  return (wire?.did ?? []).map((entry) => {
    const country = countryCodeFromName(entry.country);
    const phone = parsePhoneNumber(entry.number ?? '', country ?? undefined);
    return {
      ...phone,
      country: country ?? phone.country,
      countryName: entry.country,
      monthlyPrice: money(entry.monthly),
    };
  });
}

function lineItems(planValue: Plan | null, addonList: readonly Addon[], didList: readonly Did[]): ChargeLineItem[] {
  const items: ChargeLineItem[] = [];
  if (planValue?.price) {
    items.push({ kind: 'PLAN', description: `Plan ${planValue.name ?? '(unnamed)'}`, amount: planValue.price });
  }
  for (const addon of addonList) {
    if (!addon.totalPrice) continue;
    const what =
      addon.kind === 'STORAGE'
        ? `${addon.size?.raw ?? '?'} extra storage`
        : addon.kind === 'AGENTS'
          ? `${addon.quantity ?? '?'} extra agents`
          : `${addon.quantity ?? '?'} CRM`;
    items.push({ kind: 'ADDON', description: `Add-on: ${what}`, amount: addon.totalPrice });
  }
  for (const did of didList) {
    if (!did.monthlyPrice) continue;
    const where = did.countryName ? ` (${did.countryName})` : '';
    items.push({ kind: 'DID', description: `DID ${did.raw}${where}`, amount: did.monthlyPrice });
  }
  return items;
}

/** Turns one decoded Simpsy billing element into the provider-neutral snapshot. */
export function simpsySnapshot(billing: SimpsyBilling, accountId: string, fetchedAt: Date): AccountSnapshot {
  const planValue = plan(billing.plan);
  const addonList = addons(billing.addon);
  const didList = dids(billing.addon);
  const total = money(billing.total_monthly);
  return {
    provider: 'SIMPSY',
    accountId,
    fetchedAt: fetchedAt.toISOString(),
    profile: null,
    coins: null,
    validity: null,
    deskPhones: null,
    dids: didList,
    plan: planValue,
    addons: addonList,
    creditLimit: money(billing.creditlimit),
    billingCycle: billing.billingcycle === null ? null : parseProviderDate(billing.billingcycle),
    callRoute: billing.call_route,
    paymentMethod: paymentMethod(billing.payment_method, billing.payment_details),
    monthlyTotal: total,
    monthlyCharges: monthlyCharges(lineItems(planValue, addonList, didList), total),
  };
}
