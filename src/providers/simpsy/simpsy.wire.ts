import { z } from 'zod';
import { wireString } from '../wire';

const did = z.object({ number: wireString, country: wireString, monthly: wireString });

/** One element of `result`: the billing details of the account the key belongs to. */
export const simpsyBilling = z.object({
  call_route: wireString,
  payment_method: wireString,
  payment_details: wireString,
  creditlimit: wireString,
  billingcycle: wireString,
  plan: z
    .object({
      name: wireString,
      price: wireString,
      no_of_agents: wireString,
      storage: wireString,
      crm: wireString,
    })
    .nullish(),
  addon: z
    .object({
      agents: z
        .object({ no_of_agents: wireString, price_per_agent: wireString, total_agent_price: wireString })
        .nullish(),
      storage: z
        .object({ no_of_storage: wireString, price_per_gb: wireString, total_storage_price: wireString })
        .nullish(),
      // The provider names the CRM price total_storage_price; that is its field, not a storage price.
      crm: z.object({ no_of_crm: wireString, total_storage_price: wireString }).nullish(),
      did: z.array(did).nullish(),
    })
    .nullish(),
  total_monthly: wireString,
});

/** The envelope every Simpsy billing endpoint answers with; `status` is the body's own status. */
export const simpsyEnvelope = z.object({
  status: wireString,
  // Never read, and seen as a string, a list or an object of field errors: any shape is fine.
  message: z.unknown().optional(),
  result: z.unknown().optional(),
});

/** A decoded billing details element. */
export type SimpsyBilling = z.infer<typeof simpsyBilling>;
