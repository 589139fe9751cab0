// Demo data served by the sandbox. Everything here is fictional: the credentials are
// fixed so that a newcomer can copy them from the docs, and they open nothing real.

/** The provider a sandbox account belongs to. */
export type SandboxProvider = 'DIGIDONAR' | 'SIMPSY';

/** A demo account and the credentials that reach it on the sandbox servers. */
export interface SandboxAccount {
  provider: SandboxProvider;
  accountId: string;
  key: string;
  secret: string;
  /** One line saying what the demo account shows, e.g. "Lavi (Mumbai): the documented sample". */
  description: string;
}

/** The fields of Digidonar's `login_account`, in the order of the provider's sample. */
export interface DigidonarLoginAccount {
  account_id: string | null;
  admin_email: string | null;
  admin_Fname: string | null;
  admin_Lname: string | null;
  admin_number: string | null;
  company_name: string | null;
  call_coins: string | null;
  sms_coins: string | null;
  obd_coins: string | null;
  voip_coins: string | null;
  clicktocall_coins: string | null;
  company_address: string | null;
  service_order: string | null;
  create_at: string | null;
  updated_on: string | null;
  expired_on: string | null;
  avail_call_coins: string | null;
  avail_sms_coins: string | null;
  avail_obd_coins: string | null;
  avail_voip_coins: string | null;
  avail_clicktocall_coins: string | null;
}

export interface DigidonarDemoAccount {
  accountId: string;
  key: string;
  secret: string;
  description: string;
  loginAccount: DigidonarLoginAccount;
  deskPhone: string | null;
  didNo: string | null;
  /** The docs allow desk_phone/did_no inside login_account; one account answers that way so readers handle both. */
  numbersInsideLoginAccount: boolean;
}

export interface SimpsyPlan {
  name: string;
  price: string;
  no_of_agents: string;
  storage: string;
  crm: string;
}

export interface SimpsyDid {
  number: string;
  country: string;
  monthly: string;
}

export interface SimpsyAddon {
  agents: { no_of_agents: string; price_per_agent: string; total_agent_price: string };
  storage: { no_of_storage: string; price_per_gb: string; total_storage_price: string };
  // The provider names the CRM price total_storage_price; kept as sent.
  crm: { no_of_crm: string; total_storage_price: string };
  did: SimpsyDid[];
}

export interface SimpsyBillingDetails {
  call_route: string;
  payment_method: string;
  payment_details: string;
  creditlimit: string;
  billingcycle: string;
  plan: SimpsyPlan;
  addon: SimpsyAddon;
  total_monthly: string;
}

/** One element of `/billing/invoice`'s `result`, as the provider's other billing pages name the fields. */
export interface SimpsyInvoice {
  invoice_id: string;
  date: string;
  amount: string;
  status: string;
  invoice_url: string;
}

export type SimpsyDemoState =
  | { kind: 'active'; billing: SimpsyBillingDetails; invoices: SimpsyInvoice[] }
  | { kind: 'payment-failed' };

export interface SimpsyDemoAccount {
  accountId: string;
  key: string;
  secret: string;
  description: string;
  state: SimpsyDemoState;
}

/** Digidonar demo accounts; the server finds the account by the API key of the Basic auth. */
export const DIGIDONAR_DEMO_ACCOUNTS: readonly DigidonarDemoAccount[] = [
  {
    accountId: '1408847',
    key: 'demo-digi-1408847-key',
    secret: 'demo-digi-secret-7Qm2vX9pLr4T',
    description: 'Lavi (Mumbai): the documented sample, with real digits in place of the masked ones',
    loginAccount: {
      account_id: '1408847',
      // The page masks letters here too, but an email needs no unmasking to be valid; kept as documented.
      admin_email: 'nxxxu@Digidonar.io',
      admin_Fname: null,
      admin_Lname: null,
      admin_number: '7289045183',
      company_name: 'Lavi',
      call_coins: '10500',
      sms_coins: '5500',
      obd_coins: '10500',
      voip_coins: '1000',
      clicktocall_coins: '500',
      company_address: 'Mumbai, India',
      service_order: 'Yearly',
      create_at: '2020-08-19 13:24:24',
      updated_on: '2022-01-08 15:49:52',
      expired_on: '2023-12-30 00:00:00',
      avail_call_coins: '10212',
      avail_sms_coins: '4950',
      avail_obd_coins: '6443',
      avail_voip_coins: '1000',
      avail_clicktocall_coins: '500',
    },
    // Same four forms as the documented mask: short, 0091-prefixed, national, 0091-prefixed.
    deskPhone: '806912345, 00911206851235, 01206851234, 00911206851239',
    didNo: '806912345, 00911206851235, 01206851234, 00911206851239',
    numbersInsideLoginAccount: false,
  },
  {
    accountId: '1512093',
    key: 'demo-digi-1512093-key',
    secret: 'demo-digi-secret-Hk4wN8cZt2Ry',
    description: 'Kaveri Freight Lines (Bengaluru): validity expired on 2024-03-31 and SMS coins exhausted ("0")',
    loginAccount: {
      account_id: '1512093',
      admin_email: 'arjun.rao@kaveri-freight.example',
      admin_Fname: 'Arjun',
      admin_Lname: 'Rao',
      admin_number: '9845012345',
      company_name: 'Kaveri Freight Lines',
      call_coins: '3000',
      sms_coins: '2000',
      obd_coins: '0',
      voip_coins: '500',
      clicktocall_coins: '250',
      company_address: '14 Residency Road, Bengaluru, India',
      service_order: 'Monthly',
      create_at: '2023-03-01 10:05:41',
      updated_on: '2024-02-27 18:32:09',
      expired_on: '2024-03-31 23:59:59',
      avail_call_coins: '118',
      avail_sms_coins: '0',
      avail_obd_coins: '0',
      avail_voip_coins: '42',
      avail_clicktocall_coins: '250',
    },
    deskPhone: '08041235678, 00918041235679',
    didNo: '08041235680, 00918041235681, 804123568',
    numbersInsideLoginAccount: false,
  },
  {
    accountId: '1620451',
    key: 'demo-digi-1620451-key',
    secret: 'demo-digi-secret-Vb6sJ3mQx9Ld',
    description:
      'Ganga Handlooms (Kolkata): valid until 2031, no desk phone (""), desk_phone/did_no sent inside login_account',
    loginAccount: {
      account_id: '1620451',
      admin_email: 'accounts@ganga-handlooms.example',
      admin_Fname: 'Meera',
      admin_Lname: null,
      admin_number: '9830012345',
      company_name: 'Ganga Handlooms',
      call_coins: '20000',
      sms_coins: '15000',
      obd_coins: '5000',
      voip_coins: '2500',
      clicktocall_coins: '1000',
      company_address: '7 Park Street, Kolkata, India',
      service_order: 'Yearly',
      create_at: '2021-04-01 09:00:00',
      updated_on: '2026-04-01 09:12:37',
      expired_on: '2031-03-31 23:59:59',
      avail_call_coins: '18764',
      avail_sms_coins: '14020',
      avail_obd_coins: '5000',
      avail_voip_coins: '2311',
      avail_clicktocall_coins: '987',
    },
    deskPhone: '',
    didNo: '03340571234, 00913340571299, 334057123',
    numbersInsideLoginAccount: true,
  },
];

/** Simpsy demo accounts; Simpsy knows them only by key/secret, accountId is our own name. */
export const SIMPSY_DEMO_ACCOUNTS: readonly SimpsyDemoAccount[] = [
  {
    accountId: 'acme-voice',
    key: 'demo-simpsy-acme-voice-key',
    secret: 'demo-simpsy-secret-Tz5pW1kGn8Ye',
    description: 'Acme Voice: the documented sample, parts add up to total_monthly $177.70',
    state: {
      kind: 'active',
      billing: {
        call_route: 'Normal',
        payment_method: 'Visa',
        payment_details: '411111******1111',
        creditlimit: '$139.90',
        billingcycle: '2018-04-08',
        plan: {
          name: 'Small-Medium Enterprise',
          price: '$24.90',
          no_of_agents: '5',
          storage: '3GB',
          crm: '0',
        },
        addon: {
          agents: { no_of_agents: '10', price_per_agent: '$4.90', total_agent_price: '$49.00' },
          storage: { no_of_storage: '7GB', price_per_gb: '$8.00', total_storage_price: '$56.00' },
          crm: { no_of_crm: '1', total_storage_price: '$10.00' },
          did: [
            { number: '1234567', country: 'United States', monthly: '$15.90' },
            { number: '651234567', country: 'Singapore', monthly: '$21.90' },
          ],
        },
        total_monthly: '$177.70',
      },
      // Newest first, as a billing page would list them; the last one carries the docs' "$0.81".
      invoices: [
        {
          invoice_id: 'INV-2018-0408',
          date: '2018-04-08',
          amount: '$177.70',
          status: 'Unpaid',
          invoice_url: 'https://voice.simpsy.com/billing/invoices/INV-2018-0408.pdf',
        },
        {
          invoice_id: 'INV-2018-0308',
          date: '2018-03-08',
          amount: '$177.70',
          status: 'Paid',
          invoice_url: 'https://voice.simpsy.com/billing/invoices/INV-2018-0308.pdf',
        },
        {
          invoice_id: 'INV-2018-0208',
          date: '2018-02-08',
          amount: '$167.70',
          status: 'Paid',
          invoice_url: 'https://voice.simpsy.com/billing/invoices/INV-2018-0208.pdf',
        },
        {
          invoice_id: 'INV-2018-0115',
          date: '2018-01-15',
          amount: '$0.81',
          status: 'Cancelled',
          invoice_url: 'https://voice.simpsy.com/billing/invoices/INV-2018-0115.pdf',
        },
      ],
    },
  },
  {
    accountId: 'northwind-calls',
    key: 'demo-simpsy-northwind-calls-key',
    secret: 'demo-simpsy-secret-Rc2hF7uMa4Kq',
    description:
      'Northwind Calls: Startup plan without CRM, three DIDs in India and the United Kingdom, parts add up to $60.00',
    state: {
      kind: 'active',
      billing: {
        call_route: 'Normal',
        payment_method: 'Mastercard',
        payment_details: '555555******4444',
        creditlimit: '$250.00',
        billingcycle: '2024-05-15',
        plan: {
          name: 'Startup',
          price: '$14.90',
          no_of_agents: '3',
          storage: '1GB',
          crm: '0',
        },
        addon: {
          agents: { no_of_agents: '2', price_per_agent: '$4.90', total_agent_price: '$9.80' },
          storage: { no_of_storage: '2GB', price_per_gb: '$8.00', total_storage_price: '$16.00' },
          crm: { no_of_crm: '0', total_storage_price: '$0.00' },
          did: [
            // With and without the country code, as the provider mixes both.
            { number: '918045671234', country: 'India', monthly: '$6.50' },
            { number: '2079460958', country: 'United Kingdom', monthly: '$4.90' },
            { number: '447700900123', country: 'United Kingdom', monthly: '$7.90' },
          ],
        },
        // 14.90 + 9.80 + 16.00 + 0.00 + 6.50 + 4.90 + 7.90
        total_monthly: '$60.00',
      },
      // In no particular order, as a careless API might send them; two share a date. Two links
      // carry the account's API key: 1041 in its query string (the subgraph drops the query and
      // keeps the link), 1040 part of it, base64url, in its path (the subgraph withholds the link).
      invoices: [
        {
          invoice_id: '1042',
          date: '2024-04-15',
          amount: '$60.00',
          status: 'paid',
          invoice_url: 'https://voice.simpsy.com/billing/invoices/1042',
        },
        {
          invoice_id: '1043',
          date: '2024-05-15',
          amount: '$60.00',
          status: 'OVERDUE',
          invoice_url: 'https://voice.simpsy.com/billing/invoices/1043',
        },
        {
          invoice_id: '1044',
          date: '2024-05-15',
          amount: '$4.90',
          status: 'Unpaid',
          invoice_url: 'https://voice.simpsy.com/billing/invoices/1044',
        },
        {
          invoice_id: '1041',
          date: '2024-03-15',
          amount: '$52.10',
          status: 'Paid',
          invoice_url: 'https://voice.simpsy.com/billing/invoices/1041?key=demo-simpsy-northwind-calls-key',
        },
        {
          invoice_id: '1040',
          date: '2024-02-15',
          amount: '$52.10',
          status: 'Refunded',
          invoice_url: 'https://voice.simpsy.com/billing/invoices/ZGVtby1zaW1wc3ktbm9ydGh3aW5k/1040',
        },
      ],
    },
  },
  {
    accountId: 'lapsed-voice',
    key: 'demo-simpsy-lapsed-voice-key',
    secret: 'demo-simpsy-secret-Lp9dE3vBw6Xn',
    description: 'Lapsed Voice: valid credentials, but the card was declined (body status "300", failed payment)',
    state: { kind: 'payment-failed' },
  },
];

/** Every demo account, in a form that names its provider and credentials. */
export function listSandboxAccounts(): readonly SandboxAccount[] {
  const digidonar = DIGIDONAR_DEMO_ACCOUNTS.map(
    (a): SandboxAccount => ({
      provider: 'DIGIDONAR',
      accountId: a.accountId,
      key: a.key,
      secret: a.secret,
      description: a.description,
    }),
  );
  const simpsy = SIMPSY_DEMO_ACCOUNTS.map(
    (a): SandboxAccount => ({
      provider: 'SIMPSY',
      accountId: a.accountId,
      key: a.key,
      secret: a.secret,
      description: a.description,
    }),
  );
  return Object.freeze([...digidonar, ...simpsy].map((a) => Object.freeze(a)));
}
