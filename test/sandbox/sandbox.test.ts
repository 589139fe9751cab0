import { Agent, request } from 'undici';
import { startSandbox } from '../../src/sandbox';
import { INSTALLED_PROVIDERS } from '../../src/providers/installed';
import type { Sandbox, SandboxAccount } from '../../src/sandbox';

// The documented response fields of Digidonar's Profile & Balance page.
const DIGIDONAR_LOGIN_FIELDS = [
  'account_id',
  'admin_email',
  'admin_Fname',
  'admin_Lname',
  'admin_number',
  'company_name',
  'call_coins',
  'sms_coins',
  'obd_coins',
  'voip_coins',
  'clicktocall_coins',
  'company_address',
  'service_order',
  'create_at',
  'updated_on',
  'expired_on',
  'avail_call_coins',
  'avail_sms_coins',
  'avail_obd_coins',
  'avail_voip_coins',
  'avail_clicktocall_coins',
].sort();

// Simpsy's documented sample, copied from the provider's page.
const SIMPSY_DOCUMENTED_SAMPLE = {
  status: '200',
  message: 'Success',
  result: [
    {
      call_route: 'Normal',
      payment_method: 'Visa',
      payment_details: '411111******1111',
      creditlimit: '$139.90',
      billingcycle: '2018-04-08',
      plan: { name: 'Small-Medium Enterprise', price: '$24.90', no_of_agents: '5', storage: '3GB', crm: '0' },
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
  ],
};

type Json = unknown;

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Json;
}

let sandbox: Sandbox;
let agent: Agent;

beforeAll(async () => {
  sandbox = await startSandbox({ providers: INSTALLED_PROVIDERS });
  agent = new Agent();
});

afterAll(async () => {
  await sandbox.close();
  await agent.close();
});

function account(provider: SandboxAccount['provider'], accountId: string): SandboxAccount {
  const found = sandbox.accounts.find((a) => a.provider === provider && a.accountId === accountId);
  if (!found) throw new Error(`no demo account ${provider}/${accountId}`);
  return found;
}

function basic(user: string, password: string): string {
  return `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
}

async function call(
  url: string,
  init: { method?: 'GET' | 'POST' | 'PUT' | 'DELETE'; headers?: Record<string, string>; body?: string } = {},
  dispatcher: Agent = agent,
): Promise<Reply> {
  const res = await request(url, { method: init.method ?? 'GET', headers: init.headers, body: init.body, dispatcher });
  const text = await res.body.text();
  expect(res.headers['content-type']).toMatch(/^application\/json/);
  return { status: res.statusCode, headers: res.headers, body: JSON.parse(text) as Json };
}

function digidonar(acc: SandboxAccount, extra: { body?: string } = {}): Promise<Reply> {
  return call(`${sandbox.baseUrls.DIGIDONAR}/api_v2/profile_billing_v2`, {
    method: 'POST',
    headers: { authorization: basic(acc.key, acc.secret), 'content-type': 'application/x-www-form-urlencoded' },
    body: extra.body ?? '',
  });
}

function simpsyUrl(params: Record<string, string>): string {
  return `${sandbox.baseUrls.SIMPSY}/billing/details?${new URLSearchParams(params).toString()}`;
}

function simpsy(acc: SandboxAccount): Promise<Reply> {
  return call(simpsyUrl({ key: acc.key, secret: acc.secret }));
}

/** Collects every leaf of a JSON value that is neither a string nor null. */
function nonStringLeaves(value: Json, path = '$'): string[] {
  if (value === null || typeof value === 'string') return [];
  if (Array.isArray(value)) return value.flatMap((v, i) => nonStringLeaves(v, `${path}[${i}]`));
  if (typeof value === 'object') {
    return Object.entries(value as Record<string, Json>).flatMap(([k, v]) => nonStringLeaves(v, `${path}.${k}`));
  }
  return [`${path}: ${typeof value}`];
}

function record(value: Json): Record<string, Json> {
  expect(value).not.toBeNull();
  expect(typeof value).toBe('object');
  expect(Array.isArray(value)).toBe(false);
  return value as Record<string, Json>;
}

function cents(money: Json): number {
  const match = /^\$(\d+)\.(\d{2})$/.exec(String(money));
  if (!match?.[1] || !match[2]) throw new Error(`not money: ${String(money)}`);
  return Number(match[1]) * 100 + Number(match[2]);
}

describe('accounts', () => {
  it('lists the demo accounts of both providers with obviously-demo credentials', () => {
    const ids = sandbox.accounts.map((a) => `${a.provider}/${a.accountId}`);
    expect(ids).toEqual(
      expect.arrayContaining(['DIGIDONAR/1408847', 'SIMPSY/acme-voice', 'SIMPSY/lapsed-voice']),
    );
    expect(sandbox.accounts.filter((a) => a.provider === 'DIGIDONAR').length).toBeGreaterThanOrEqual(2);
    expect(sandbox.accounts.filter((a) => a.provider === 'SIMPSY').length).toBeGreaterThanOrEqual(3);
    for (const a of sandbox.accounts) {
      expect(a.key).toMatch(/^demo-/);
      expect(a.secret).toMatch(/^demo-/);
      expect(a.description.length).toBeGreaterThan(10);
      expect(a.description).not.toMatch(/\n/);
    }
    expect(new Set(sandbox.accounts.map((a) => a.key)).size).toBe(sandbox.accounts.length);
    expect(new Set(sandbox.accounts.map((a) => a.secret)).size).toBe(sandbox.accounts.length);
  });

  it('gives base URLs the clients extend with the documented paths', () => {
    expect(sandbox.baseUrls.DIGIDONAR).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(sandbox.baseUrls.SIMPSY).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/api\/v1$/);
  });
});

describe('Digidonar fake', () => {
  it('answers 1408847 with the documented sample, real digits in place of the masks', async () => {
    const reply = await digidonar(account('DIGIDONAR', '1408847'));
    expect(reply.status).toBe(200);
    const body = record(reply.body);
    expect(Object.keys(body).sort()).toEqual(['desk_phone', 'did_no', 'login_account', 'type']);
    expect(body.type).toBe('success');
    const login = record(body.login_account);
    expect(Object.keys(login).sort()).toEqual(DIGIDONAR_LOGIN_FIELDS);
    expect(login).toMatchObject({
      account_id: '1408847',
      admin_email: 'nxxxu@Digidonar.io',
      admin_Fname: null,
      admin_Lname: null,
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
    });
    // Same lengths, prefixes and last digits as the masked "7289xxxx83".
    expect(login.admin_number).toMatch(/^7289\d{4}83$/);
    const deskPhone = String(body.desk_phone).split(', ');
    expect(deskPhone).toHaveLength(4);
    expect(deskPhone[0]).toMatch(/^80691\d+5$/);
    expect(deskPhone[1]).toMatch(/^00911206\d+5$/);
    expect(deskPhone[2]).toMatch(/^0120685\d{4}$/);
    expect(deskPhone[3]).toMatch(/^00911206\d+9$/);
    expect(body.did_no).toBe(body.desk_phone);
    expect(nonStringLeaves(body)).toEqual([]);
  });

  it('answers every demo account in the documented shape, for the account the key belongs to', async () => {
    const accounts = sandbox.accounts.filter((a) => a.provider === 'DIGIDONAR');
    let inside = 0;
    for (const acc of accounts) {
      const reply = await digidonar(acc);
      expect(reply.status).toBe(200);
      const body = record(reply.body);
      expect(body.type).toBe('success');
      expect(nonStringLeaves(body)).toEqual([]);
      const login = record(body.login_account);
      expect(login.account_id).toBe(acc.accountId);
      for (const field of DIGIDONAR_LOGIN_FIELDS) expect(login).toHaveProperty(field);
      for (const field of ['create_at', 'updated_on', 'expired_on']) {
        expect(login[field]).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
      }
      for (const field of DIGIDONAR_LOGIN_FIELDS.filter((f) => f.endsWith('_coins'))) {
        expect(login[field]).toMatch(/^\d+$/);
        if (field.startsWith('avail_')) {
          // What is left can never exceed what was purchased.
          const purchased = Number(login[field.slice('avail_'.length)]);
          expect(Number(login[field])).toBeLessThanOrEqual(purchased);
        }
      }
      const holder = 'desk_phone' in login ? login : body;
      if (holder === login) inside += 1;
      for (const field of ['desk_phone', 'did_no']) {
        expect(holder).toHaveProperty(field);
        // Comma-and-space separated digits, or empty; never masked with x.
        expect(holder[field]).toMatch(/^(\d+(, \d+)*)?$/);
      }
    }
    expect(inside).toBeGreaterThanOrEqual(1);
  });

  it('has an expired account with exhausted SMS coins and one with an empty desk_phone', async () => {
    const bodies = await Promise.all(
      sandbox.accounts.filter((a) => a.provider === 'DIGIDONAR').map(async (a) => record((await digidonar(a)).body)),
    );
    const logins = bodies.map((b) => record(b.login_account));
    const longExpired = '2025-01-01 00:00:00';
    expect(
      logins.some((l) => l.avail_sms_coins === '0' && l.account_id !== '1408847' && String(l.expired_on) < longExpired),
    ).toBe(true);
    expect(logins.some((l) => String(l.expired_on) > '2030-01-01 00:00:00')).toBe(true);
    expect(bodies.some((b, i) => (b.desk_phone ?? logins[i]?.desk_phone) === '')).toBe(true);
  });

  it('lets the credentials, not the body, decide the account', async () => {
    const lavi = account('DIGIDONAR', '1408847');
    const other = sandbox.accounts.find((a) => a.provider === 'DIGIDONAR' && a.accountId !== '1408847');
    const reply = await digidonar(lavi, { body: `account_id=${other?.accountId ?? ''}` });
    expect(record(record(reply.body).login_account).account_id).toBe('1408847');
  });

  it.each([
    ['no Authorization header', undefined],
    ['a wrong secret', basic('demo-digi-1408847-key', 'wrong')],
    ['an unknown key', basic('nobody', 'demo-digi-secret-7Qm2vX9pLr4T')],
    ['Bearer instead of Basic', 'Bearer demo-digi-1408847-key'],
    ['garbage base64', 'Basic !!!'],
    ['no colon', `Basic ${Buffer.from('demo-digi-1408847-key').toString('base64')}`],
  ])('refuses %s with 401', async (_label, authorization) => {
    const reply = await call(`${sandbox.baseUrls.DIGIDONAR}/api_v2/profile_billing_v2`, {
      method: 'POST',
      headers: authorization === undefined ? {} : { authorization },
    });
    expect(reply.status).toBe(401);
    expect(reply.body).toEqual({ type: 'error', message: 'Invalid credentials' });
    expect(reply.headers['www-authenticate']).toMatch(/^Basic /);
  });

  it("refuses one account's key with another account's secret", async () => {
    const [a, b] = sandbox.accounts.filter((x) => x.provider === 'DIGIDONAR');
    if (!a || !b) throw new Error('need two Digidonar accounts');
    const reply = await call(`${sandbox.baseUrls.DIGIDONAR}/api_v2/profile_billing_v2`, {
      method: 'POST',
      headers: { authorization: basic(a.key, b.secret) },
    });
    expect(reply.status).toBe(401);
  });

  it('answers a wrong method with 405 and a wrong path with 404', async () => {
    const lavi = account('DIGIDONAR', '1408847');
    const headers = { authorization: basic(lavi.key, lavi.secret) };
    const get = await call(`${sandbox.baseUrls.DIGIDONAR}/api_v2/profile_billing_v2`, { headers });
    expect(get.status).toBe(405);
    expect(get.headers.allow).toBe('POST');
    expect(record(get.body).type).toBe('error');
    const wrongPath = await call(`${sandbox.baseUrls.DIGIDONAR}/api_v2/profile_billing`, { method: 'POST', headers });
    expect(wrongPath.status).toBe(404);
    expect(record(wrongPath.body).type).toBe('error');
  });
});

describe('Simpsy fake', () => {
  it('answers acme-voice with exactly the documented sample', async () => {
    const reply = await simpsy(account('SIMPSY', 'acme-voice'));
    expect(reply.status).toBe(200);
    expect(reply.body).toEqual(SIMPSY_DOCUMENTED_SAMPLE);
  });

  it('accepts POST with the query parameters or a form body', async () => {
    const acme = account('SIMPSY', 'acme-voice');
    const viaQuery = await call(simpsyUrl({ key: acme.key, secret: acme.secret }), { method: 'POST' });
    expect(viaQuery.body).toEqual(SIMPSY_DOCUMENTED_SAMPLE);
    const viaForm = await call(`${sandbox.baseUrls.SIMPSY}/billing/details`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ key: acme.key, secret: acme.secret }).toString(),
    });
    expect(viaForm.body).toEqual(SIMPSY_DOCUMENTED_SAMPLE);
  });

  it('answers every healthy account in the documented shape, parts adding up to total_monthly', async () => {
    const healthy = sandbox.accounts.filter((a) => a.provider === 'SIMPSY' && a.accountId !== 'lapsed-voice');
    expect(healthy.length).toBeGreaterThanOrEqual(2);
    for (const acc of healthy) {
      const reply = await simpsy(acc);
      expect(reply.status).toBe(200);
      const body = record(reply.body);
      expect(nonStringLeaves(body)).toEqual([]);
      expect(Object.keys(body).sort()).toEqual(['message', 'result', 'status']);
      expect(body).toMatchObject({ status: '200', message: 'Success' });
      expect(Array.isArray(body.result)).toBe(true);
      const [details] = body.result as Json[];
      const d = record(details);
      expect(Object.keys(d).sort()).toEqual(
        ['addon', 'billingcycle', 'call_route', 'creditlimit', 'payment_details', 'payment_method', 'plan', 'total_monthly'],
      );
      expect(d.payment_details).toMatch(/^\d{6}\*{6}\d{4}$/);
      expect(d.billingcycle).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      const plan = record(d.plan);
      expect(Object.keys(plan).sort()).toEqual(['crm', 'name', 'no_of_agents', 'price', 'storage']);
      expect(plan.storage).toMatch(/^\d+GB$/);
      const addon = record(d.addon);
      expect(Object.keys(addon).sort()).toEqual(['agents', 'crm', 'did', 'storage']);
      const agents = record(addon.agents);
      const storage = record(addon.storage);
      const crm = record(addon.crm);
      expect(Object.keys(agents).sort()).toEqual(['no_of_agents', 'price_per_agent', 'total_agent_price']);
      expect(Object.keys(storage).sort()).toEqual(['no_of_storage', 'price_per_gb', 'total_storage_price']);
      expect(Object.keys(crm).sort()).toEqual(['no_of_crm', 'total_storage_price']);
      expect(cents(agents.total_agent_price)).toBe(Number(agents.no_of_agents) * cents(agents.price_per_agent));
      expect(cents(storage.total_storage_price)).toBe(
        Number(String(storage.no_of_storage).replace('GB', '')) * cents(storage.price_per_gb),
      );
      const dids = addon.did as Json[];
      for (const did of dids) {
        expect(Object.keys(record(did)).sort()).toEqual(['country', 'monthly', 'number']);
        expect(record(did).number).toMatch(/^\d+$/);
      }
      const sum =
        cents(plan.price) +
        cents(agents.total_agent_price) +
        cents(storage.total_storage_price) +
        cents(crm.total_storage_price) +
        dids.reduce<number>((acc2, did) => acc2 + cents(record(did).monthly), 0);
      expect(sum).toBe(cents(d.total_monthly));
    }
  });

  it('has a healthy account without CRM and with DIDs in several other countries', async () => {
    const bodies = await Promise.all(
      sandbox.accounts
        .filter((a) => a.provider === 'SIMPSY' && a.accountId !== 'lapsed-voice' && a.accountId !== 'acme-voice')
        .map(async (a) => record((await simpsy(a)).body)),
    );
    const details = bodies.map((b) => record((b.result as Json[])[0]));
    const noCrm = details.find((d) => {
      const crm = record(record(d.addon).crm);
      return record(d.plan).crm === '0' && crm.no_of_crm === '0' && crm.total_storage_price === '$0.00';
    });
    expect(noCrm).toBeDefined();
    const countries = new Set((record(noCrm?.addon).did as Json[]).map((did) => record(did).country));
    expect(countries).toEqual(new Set(['India', 'United Kingdom']));
    expect(record(noCrm?.plan).name).not.toBe('Small-Medium Enterprise');
  });

  it.each([
    ['no parameters', {}],
    ['no key', { secret: 'demo-simpsy-secret-Tz5pW1kGn8Ye' }],
    ['no secret', { key: 'demo-simpsy-acme-voice-key' }],
    ['an empty key', { key: '', secret: 'demo-simpsy-secret-Tz5pW1kGn8Ye' }],
  ])('answers %s with body status "400"', async (_label, params: Record<string, string>) => {
    const reply = await call(simpsyUrl(params));
    expect(reply.status).toBe(200);
    expect(reply.body).toEqual({ status: '400', message: 'Missing or invalid properties' });
  });

  it.each([
    ['a wrong secret', { key: 'demo-simpsy-acme-voice-key', secret: 'wrong' }],
    ['an unknown key', { key: 'nobody', secret: 'demo-simpsy-secret-Tz5pW1kGn8Ye' }],
    ['the lapsed key with the acme secret', { key: 'demo-simpsy-lapsed-voice-key', secret: 'demo-simpsy-secret-Tz5pW1kGn8Ye' }],
  ])('answers %s with body status "401"', async (_label, params: Record<string, string>) => {
    const reply = await call(simpsyUrl(params));
    expect(reply.status).toBe(200);
    expect(reply.body).toEqual({ status: '401', message: 'Invalid API Key & Password' });
  });

  it('answers the lapsed account with body status "300" (failed payment)', async () => {
    const reply = await simpsy(account('SIMPSY', 'lapsed-voice'));
    expect(reply.status).toBe(200);
    expect(reply.body).toEqual({ status: '300', message: 'Failed payment, please login and update payment method' });
  });

  it('answers a wrong method with 405 and a wrong path with 404', async () => {
    const acme = account('SIMPSY', 'acme-voice');
    const del = await call(simpsyUrl({ key: acme.key, secret: acme.secret }), { method: 'DELETE' });
    expect(del.status).toBe(405);
    expect(record(del.body).status).toBe('405');
    const wrongPath = await call(`${sandbox.baseUrls.SIMPSY}/billing/detail?key=${acme.key}&secret=${acme.secret}`);
    expect(wrongPath.status).toBe(404);
    expect(record(wrongPath.body).status).toBe('404');
    const root = await call(`${sandbox.baseUrls.SIMPSY!.replace('/api/v1', '')}/billing/details`);
    expect(root.status).toBe(404);
  });
});

describe('Simpsy invoice fake', () => {
  const invoices = (acc: SandboxAccount, params: Record<string, string> = { key: acc.key, secret: acc.secret }) =>
    call(`${sandbox.baseUrls.SIMPSY}/billing/invoice?${new URLSearchParams(params).toString()}`);

  it('answers every healthy account with a few invoices in the documented fields, all strings, mixed statuses', async () => {
    for (const id of ['acme-voice', 'northwind-calls']) {
      const reply = await invoices(account('SIMPSY', id));
      expect(reply.status).toBe(200);
      const body = record(reply.body);
      expect(body).toMatchObject({ status: '200', message: 'Success' });
      expect(nonStringLeaves(body)).toEqual([]);
      const list = body.result as Array<Record<string, Json>>;
      expect(list.length).toBeGreaterThanOrEqual(3);
      for (const invoice of list) {
        expect(Object.keys(invoice).sort()).toEqual(['amount', 'date', 'invoice_id', 'invoice_url', 'status']);
        expect(String(invoice.date)).toMatch(/^\d{4}-\d{2}-\d{2}$/);
        cents(invoice.amount);
      }
      expect(new Set(list.map((i) => i.invoice_id)).size).toBe(list.length);
      expect(new Set(list.map((i) => String(i.status).toLowerCase())).size).toBeGreaterThanOrEqual(2);
    }
  });

  it("has the documentation's $0.81 among acme-voice's invoices", async () => {
    const list = record((await invoices(account('SIMPSY', 'acme-voice'))).body).result as Array<Record<string, Json>>;
    expect(list.map((i) => i.amount)).toContain('$0.81');
  });

  it('answers the lapsed account with the same body status "300" as its details', async () => {
    const reply = await invoices(account('SIMPSY', 'lapsed-voice'));
    expect(reply.status).toBe(200);
    expect(reply.body).toEqual({ status: '300', message: 'Failed payment, please login and update payment method' });
  });

  it('answers wrong or missing credentials as billing details does', async () => {
    const acme = account('SIMPSY', 'acme-voice');
    expect((await invoices(acme, { key: acme.key, secret: 'wrong' })).body).toEqual({ status: '401', message: 'Invalid API Key & Password' });
    expect((await invoices(acme, { key: acme.key })).body).toEqual({ status: '400', message: 'Missing or invalid properties' });
  });
});

describe('sandbox lifecycle', () => {
  it('counts the requests served per provider', async () => {
    const own = await startSandbox({ providers: INSTALLED_PROVIDERS });
    try {
      expect(own.requestCount('DIGIDONAR')).toBe(0);
      expect(own.requestCount('SIMPSY')).toBe(0);
      const lavi = own.accounts.find((a) => a.accountId === '1408847');
      const acme = own.accounts.find((a) => a.accountId === 'acme-voice');
      if (!lavi || !acme) throw new Error('missing demo accounts');
      for (let i = 0; i < 2; i += 1) {
        const res = await request(`${own.baseUrls.DIGIDONAR}/api_v2/profile_billing_v2`, {
          method: 'POST',
          headers: { authorization: basic(lavi.key, lavi.secret) },
          dispatcher: agent,
        });
        await res.body.dump();
      }
      for (let i = 0; i < 3; i += 1) {
        const res = await request(`${own.baseUrls.SIMPSY}/billing/details?key=${acme.key}&secret=${i}`, {
          dispatcher: agent,
        });
        await res.body.dump();
      }
      const invoices = await request(`${own.baseUrls.SIMPSY}/billing/invoice?key=${acme.key}&secret=${acme.secret}`, {
        dispatcher: agent,
      });
      await invoices.body.dump();
      expect(own.requestCount('DIGIDONAR')).toBe(2);
      expect(own.requestCount('SIMPSY')).toBe(4);
      expect(own.requestCount('SIMPSY', '/billing/invoice')).toBe(1);
      expect(own.requestCount('SIMPSY', '/billing/details')).toBe(3);
    } finally {
      await own.close();
    }
  });

  it('delays every response by latencyMs', async () => {
    const slow = await startSandbox({ providers: INSTALLED_PROVIDERS, latencyMs: 80 });
    try {
      const started = performance.now();
      const res = await request(`${slow.baseUrls.SIMPSY}/billing/details`, { dispatcher: agent });
      await res.body.dump();
      expect(performance.now() - started).toBeGreaterThanOrEqual(70);
    } finally {
      await slow.close();
    }
  });

  it('closes despite open keep-alive connections and requests still waiting, and refuses afterwards', async () => {
    const own = await startSandbox({ providers: INSTALLED_PROVIDERS, latencyMs: 10_000 });
    const client = new Agent({ keepAliveTimeout: 60_000 });
    try {
      const acme = own.accounts.find((a) => a.accountId === 'acme-voice');
      const waiting = request(`${own.baseUrls.SIMPSY}/billing/details?key=${acme?.key ?? ''}`, { dispatcher: client });
      // Let the request reach the server before closing.
      await new Promise((resolve) => setTimeout(resolve, 50));
      const started = performance.now();
      await own.close();
      expect(performance.now() - started).toBeLessThan(1000);
      await expect(waiting).rejects.toThrow();
      await own.close();
      await expect(
        request(`${own.baseUrls.DIGIDONAR}/api_v2/profile_billing_v2`, { method: 'POST', dispatcher: client }),
      ).rejects.toThrow();
    } finally {
      await client.destroy();
    }
  });

  it('keeps connections alive between requests until close()', async () => {
    const own = await startSandbox({ providers: INSTALLED_PROVIDERS });
    const client = new Agent({ keepAliveTimeout: 60_000 });
    try {
      const connectionHeaders = new Set<string>();
      for (let i = 0; i < 3; i += 1) {
        const res = await request(`${own.baseUrls.SIMPSY}/billing/details`, { dispatcher: client });
        await res.body.dump();
        connectionHeaders.add(String(res.headers.connection));
      }
      expect(connectionHeaders).toEqual(new Set(['keep-alive']));
    } finally {
      await own.close();
      await client.destroy();
    }
  });

  it('never writes to the console', async () => {
    const methods = ['log', 'info', 'warn', 'error', 'debug', 'trace'] as const;
    const spies = methods.map((m) => jest.spyOn(console, m).mockImplementation(() => undefined));
    try {
      const own = await startSandbox({ providers: INSTALLED_PROVIDERS });
      const lavi = own.accounts.find((a) => a.accountId === '1408847');
      const acme = own.accounts.find((a) => a.accountId === 'acme-voice');
      const urls = [
        `${own.baseUrls.DIGIDONAR}/api_v2/profile_billing_v2`,
        `${own.baseUrls.DIGIDONAR}/nope`,
        `${own.baseUrls.SIMPSY}/billing/details?key=${acme?.key ?? ''}&secret=${acme?.secret ?? ''}`,
        `${own.baseUrls.SIMPSY}/billing/details?key=x&secret=y`,
        `${own.baseUrls.SIMPSY}/nope`,
      ];
      for (const url of urls) {
        const res = await request(url, {
          method: 'POST',
          headers: { authorization: basic(lavi?.key ?? '', lavi?.secret ?? '') },
          dispatcher: agent,
        });
        await res.body.dump();
      }
      await own.close();
      for (const spy of spies) expect(spy).not.toHaveBeenCalled();
    } finally {
      for (const spy of spies) spy.mockRestore();
    }
  });
});
