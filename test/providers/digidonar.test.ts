import type { AccountEntry } from '../../src/domain/account-entry';
import { BillingError, ErrorCode } from '../../src/domain/billing-error';
import { createDigidonarProvider, digidonar } from '../../src/providers/digidonar';
import { DigidonarClient } from '../../src/providers/digidonar/digidonar.client';
import documented from '../../src/providers/digidonar/samples/documented.json';
import type { ProviderClient } from '../../src/providers/provider-client';
import { NUMBER_LIST_MAX_ITEMS, NUMBER_LIST_TEXT_MAX, SHORT_VALUE_MAX, TEXT_VALUE_MAX } from '../../src/providers/wire';
import { CANARY_BASIC, CANARY_KEY, CANARY_SECRET, canaryAccount, failureChecker, leaks } from '../support/canary';
import { FakeUpstream, faults } from '../support/fault-upstream';
import { describeTransportFailures } from '../support/transport-cases';

const ACCOUNT_ID = '1408847';
const ACCOUNT: AccountEntry = canaryAccount('DIGIDONAR', ACCOUNT_ID);

const HTTP = {
  connectTimeoutMs: 1000,
  headersTimeoutMs: 200,
  bodyTimeoutMs: 200,
  maxConnections: 2,
  maxBodyBytes: 16_384,
};

// The documented sample, with its doubled opening brace fixed as docs/upstreams/NOTES.md describes (the provider folder's sample file).
const DOCUMENTED_BODY = documented;
const LOGIN = documented.login_account;
const MASKED_LIST = documented.desk_phone;

const indian = (raw: string, e164: string | null) => ({ raw, e164, country: 'IN', countryName: null, monthlyPrice: null });

const expectFailure = failureChecker('DIGIDONAR', ACCOUNT_ID, 'Digidonar');

let fake: FakeUpstream;
let provider: ProviderClient;

beforeEach(async () => {
  fake = await FakeUpstream.start(digidonar.fake, { accounts: [] });
  provider = createDigidonarProvider({ ...HTTP, baseUrl: fake.origin, timeZone: 'Asia/Kolkata' });
});

afterEach(async () => {
  await fake.close();
  await provider.close();
});

describe('the canary check', () => {
  it('finds every form of the credentials', () => {
    const error = new BillingError(ErrorCode.INTERNAL, `x ${encodeURIComponent(CANARY_SECRET)} ${CANARY_BASIC}`);
    expect(leaks(error)).toEqual(
      expect.arrayContaining(['message: canary-secret', `message: ${encodeURIComponent(CANARY_SECRET)}`, `message: ${CANARY_BASIC}`]),
    );
  });
});

describe('Digidonar request', () => {
  it('is POST /api_v2/profile_billing_v2 with Basic base64(key:secret) and no credentials in the URL', async () => {
    fake.everyone = faults.json(200, DOCUMENTED_BODY);
    await provider.fetchSnapshot(ACCOUNT);

    expect(fake.requestCount()).toBe(1);
    const request = fake.lastRequest!;
    expect(request.method).toBe('POST');
    expect(request.url).toBe('/api_v2/profile_billing_v2');
    expect(request.headers.authorization).toBe(`Basic ${CANARY_BASIC}`);
    const decoded = Buffer.from(request.headers.authorization!.slice('Basic '.length), 'base64').toString('utf8');
    expect(decoded).toBe('canary-key-7f3a:canary-secret-9b1e s3cr&t=+/');
    expect(request.headers.accept).toBe('application/json');
    expect(request.body).toBe('');
  });

  it('keeps a path prefix of the base URL and ignores a trailing slash', async () => {
    const prefixed = createDigidonarProvider({ ...HTTP, baseUrl: `${fake.origin}/gateway/`, timeZone: 'Asia/Kolkata' });
    try {
      fake.everyone = faults.json(200, DOCUMENTED_BODY);
      await prefixed.fetchSnapshot(ACCOUNT);
      expect(fake.lastRequest!.url).toBe('/gateway/api_v2/profile_billing_v2');
    } finally {
      await prefixed.close();
    }
  });
});

describe('Digidonar success', () => {
  it('maps the documented sample: profile, coins, Kolkata dates as UTC instants, masked numbers', async () => {
    fake.everyone = faults.json(200, DOCUMENTED_BODY);
    const before = Date.now();
    const snapshot = await provider.fetchSnapshot(ACCOUNT);
    const after = Date.now();

    const fetchedAt = Date.parse(snapshot.fetchedAt);
    expect(fetchedAt).toBeGreaterThanOrEqual(before);
    expect(fetchedAt).toBeLessThanOrEqual(after);
    expect(snapshot).toEqual({
      provider: 'DIGIDONAR',
      accountId: '1408847',
      fetchedAt: snapshot.fetchedAt,
      profile: {
        companyName: 'Lavi',
        companyAddress: 'Mumbai, India',
        adminEmail: 'nxxxu@Digidonar.io',
        adminFirstName: null,
        adminLastName: null,
        adminPhone: { raw: '7289xxxx83', e164: null, country: 'IN' },
      },
      coins: [
        { kind: 'SMS', purchased: 5500, available: 4950, used: 550 },
        { kind: 'OBD', purchased: 10500, available: 6443, used: 4057 },
        { kind: 'VOIP', purchased: 1000, available: 1000, used: 0 },
        { kind: 'CLICK_TO_CALL', purchased: 500, available: 500, used: 0 },
        { kind: 'CALL', purchased: 10500, available: 10212, used: 288 },
      ],
      validity: {
        serviceOrder: 'Yearly',
        createdAt: { instant: '2020-08-19T07:54:24.000Z', timeZone: 'Asia/Kolkata', raw: '2020-08-19 13:24:24' },
        updatedAt: { instant: '2022-01-08T10:19:52.000Z', timeZone: 'Asia/Kolkata', raw: '2022-01-08 15:49:52' },
        expiresAt: { instant: '2023-12-29T18:30:00.000Z', timeZone: 'Asia/Kolkata', raw: '2023-12-30 00:00:00' },
      },
      deskPhones: MASKED_LIST.split(', ').map((raw) => indian(raw, null)),
      dids: MASKED_LIST.split(', ').map((raw) => indian(raw, null)),
      plan: null,
      addons: null,
      creditLimit: null,
      billingCycle: null,
      callRoute: null,
      paymentMethod: null,
      monthlyTotal: null,
      monthlyCharges: null,
    });
  });

  it('reads dates in the configured zone', async () => {
    const utc = createDigidonarProvider({ ...HTTP, baseUrl: fake.origin, timeZone: 'UTC' });
    try {
      fake.everyone = faults.json(200, DOCUMENTED_BODY);
      const { validity } = await utc.fetchSnapshot(ACCOUNT);
      expect(validity?.createdAt).toEqual({ instant: '2020-08-19T13:24:24.000Z', timeZone: 'UTC', raw: '2020-08-19 13:24:24' });
      expect(validity?.expiresAt?.instant).toBe('2023-12-30T00:00:00.000Z');
    } finally {
      await utc.close();
    }
  });

  it('reads unmasked national, 00-prefixed and short numbers beside login_account as Indian E.164', async () => {
    fake.everyone = faults.json(200, {
      login_account: LOGIN,
      desk_phone: '8069123455, 00911206851235, 01206851234',
      did_no: '00911206851236, 01206851237',
      type: 'success',
    });
    const snapshot = await provider.fetchSnapshot(ACCOUNT);
    expect(snapshot.deskPhones).toEqual([
      indian('8069123455', '+918069123455'),
      indian('00911206851235', '+911206851235'),
      indian('01206851234', '+911206851234'),
    ]);
    expect(snapshot.dids).toEqual([indian('00911206851236', '+911206851236'), indian('01206851237', '+911206851237')]);
  });

  it('reads desk_phone and did_no inside login_account', async () => {
    fake.everyone = faults.json(200, {
      login_account: { ...LOGIN, desk_phone: '01206851234', did_no: '00911206851236, 8069123455' },
      type: 'success',
    });
    const snapshot = await provider.fetchSnapshot(ACCOUNT);
    expect(snapshot.deskPhones).toEqual([indian('01206851234', '+911206851234')]);
    expect(snapshot.dids).toEqual([indian('00911206851236', '+911206851236'), indian('8069123455', '+918069123455')]);
  });

  it('prefers the documented place (beside login_account) when both carry the lists', async () => {
    fake.everyone = faults.json(200, {
      login_account: { ...LOGIN, desk_phone: '01206851299', did_no: '01206851298' },
      desk_phone: '01206851234',
      did_no: '00911206851236',
      type: 'success',
    });
    const snapshot = await provider.fetchSnapshot(ACCOUNT);
    expect(snapshot.deskPhones).toEqual([indian('01206851234', '+911206851234')]);
    expect(snapshot.dids).toEqual([indian('00911206851236', '+911206851236')]);
  });

  it('gives empty lists and null profile fields when they are null or missing', async () => {
    fake.everyone = faults.json(200, {
      login_account: { account_id: '1408847', company_name: null, admin_number: null, create_at: null },
      desk_phone: null,
      type: 'success',
    });
    const snapshot = await provider.fetchSnapshot(ACCOUNT);
    expect(snapshot.profile).toEqual({
      companyName: null,
      companyAddress: null,
      adminEmail: null,
      adminFirstName: null,
      adminLastName: null,
      adminPhone: null,
    });
    expect(snapshot.validity).toEqual({ serviceOrder: null, createdAt: null, updatedAt: null, expiresAt: null });
    expect(snapshot.coins).toEqual([
      { kind: 'SMS', purchased: null, available: null, used: null },
      { kind: 'OBD', purchased: null, available: null, used: null },
      { kind: 'VOIP', purchased: null, available: null, used: null },
      { kind: 'CLICK_TO_CALL', purchased: null, available: null, used: null },
      { kind: 'CALL', purchased: null, available: null, used: null },
    ]);
    expect(snapshot.deskPhones).toEqual([]);
    expect(snapshot.dids).toEqual([]);
  });

  it('accepts values sent as JSON numbers, account_id included', async () => {
    fake.everyone = faults.json(200, {
      login_account: {
        ...LOGIN,
        account_id: 1408847,
        admin_number: 7289123483,
        call_coins: 10500,
        avail_call_coins: 10212,
        sms_coins: 0,
        avail_sms_coins: 0,
      },
      type: 'success',
    });
    const snapshot = await provider.fetchSnapshot(ACCOUNT);
    expect(snapshot.accountId).toBe('1408847');
    expect(snapshot.profile?.adminPhone).toEqual({ raw: '7289123483', e164: '+917289123483', country: 'IN' });
    expect(snapshot.coins?.find((c) => c.kind === 'CALL')).toEqual({ kind: 'CALL', purchased: 10500, available: 10212, used: 288 });
    expect(snapshot.coins?.find((c) => c.kind === 'SMS')).toEqual({ kind: 'SMS', purchased: 0, available: 0, used: 0 });
  });

  it('decodes through DigidonarClient with numbers as strings and missing fields as null', async () => {
    const client = new DigidonarClient({ ...HTTP, baseUrl: fake.origin });
    try {
      fake.everyone = faults.json(200, { login_account: { account_id: 1408847, call_coins: 10500 }, type: 'success' });
      const body = await client.fetchProfile(ACCOUNT);
      expect(body.login_account.account_id).toBe('1408847');
      expect(body.login_account.call_coins).toBe('10500');
      expect(body.login_account.admin_email).toBeNull();
      expect(body.desk_phone).toBeNull();
      expect(body.type).toBe('success');
    } finally {
      await client.close();
    }
  });

  it('accepts a UTF-8 byte order mark before the JSON', async () => {
    fake.everyone = faults.text(200, 'text/html; charset=UTF-8', `\uFEFF${JSON.stringify(DOCUMENTED_BODY)}`);
    const snapshot = await provider.fetchSnapshot(ACCOUNT);
    expect(snapshot.profile?.companyName).toBe('Lavi');
  });
});

describe('Digidonar HTTP status', () => {
  it.each([
    [401, ErrorCode.UPSTREAM_UNAUTHORIZED, 'Digidonar rejected the credentials of this account (HTTP 401)'],
    [403, ErrorCode.UPSTREAM_UNAUTHORIZED, 'Digidonar rejected the credentials of this account (HTTP 403)'],
    [429, ErrorCode.UPSTREAM_RATE_LIMITED, 'Digidonar is rate-limiting requests (HTTP 429)'],
    [500, ErrorCode.UPSTREAM_UNAVAILABLE, 'Digidonar is unavailable (HTTP 500)'],
    [502, ErrorCode.UPSTREAM_UNAVAILABLE, 'Digidonar is unavailable (HTTP 502)'],
    [503, ErrorCode.UPSTREAM_UNAVAILABLE, 'Digidonar is unavailable (HTTP 503)'],
  ])('HTTP %i gives %s', async (status, code, message) => {
    fake.everyone = faults.json(status, { type: 'error', message: 'nope' });
    await expectFailure(provider.fetchSnapshot(ACCOUNT), { code, message, upstreamStatus: String(status) });
  });

  it('HTTP 401 whose body echoes the credentials keeps them out of the error', async () => {
    fake.everyone = ({ req, res }) => {
      res.writeHead(401, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ type: 'error', message: `bad ${String(req.headers.authorization)} for ${CANARY_KEY}:${CANARY_SECRET}` }));
    };
    await expectFailure(provider.fetchSnapshot(ACCOUNT), {
      code: ErrorCode.UPSTREAM_UNAUTHORIZED,
      upstreamStatus: '401',
    });
  });

  it('an HTML error page with HTTP 502 is UNAVAILABLE', async () => {
    fake.everyone = faults.text(502, 'text/html', '<html><body><h1>502 Bad Gateway</h1></body></html>');
    await expectFailure(provider.fetchSnapshot(ACCOUNT), {
      code: ErrorCode.UPSTREAM_UNAVAILABLE,
      message: 'Digidonar is unavailable (HTTP 502)',
      upstreamStatus: '502',
    });
  });

  it('HTTP 404 is a bad response', async () => {
    fake.everyone = faults.text(404, 'text/html', '<html>Not Found</html>');
    await expectFailure(provider.fetchSnapshot(ACCOUNT), {
      code: ErrorCode.UPSTREAM_BAD_RESPONSE,
      message: 'Digidonar answered with an unexpected status (HTTP 404)',
      upstreamStatus: '404',
    });
  });
});

describeTransportFailures({
  displayName: 'Digidonar',
  account: ACCOUNT,
  documentedBody: DOCUMENTED_BODY,
  fake: () => fake,
  provider: () => provider,
  providerAt: (origin) => createDigidonarProvider({ ...HTTP, baseUrl: origin, timeZone: 'Asia/Kolkata' }),
  expectFailure,
});

describe('Digidonar bodies that are not a profile', () => {
  it.each<[string, string, string, string | undefined]>([
    ['malformed JSON', '{"login_account": {"account_id": "1408847",', 'application/json', 'Digidonar sent malformed JSON'],
    ['an HTML page', '<!DOCTYPE html><html><body>Error</body></html>', 'text/html', 'Digidonar sent an HTML page instead of JSON'],
    ['an empty body', '', 'application/json', 'Digidonar sent an empty body'],
    ['plain text', 'Service temporarily down', 'text/plain; charset=utf-8', 'Digidonar sent a text/plain body instead of JSON'],
    ['text under a header that cannot be shown', 'oops', `text/${CANARY_KEY}<script>`, 'Digidonar sent a body of unknown type instead of JSON'],
    ['a JSON array', '[]', 'application/json', 'Digidonar sent a body of unexpected shape at (root)'],
    ['a JSON string', '"success"', 'application/json', undefined],
    ['JSON null', 'null', 'application/json', undefined],
  ])('HTTP 200 with %s is a BAD_RESPONSE', async (_name, body, contentType, message) => {
    fake.everyone = faults.text(200, contentType, body);
    await expectFailure(provider.fetchSnapshot(ACCOUNT), { code: ErrorCode.UPSTREAM_BAD_RESPONSE, message });
  });

  it.each([
    ['login_account missing', { desk_phone: MASKED_LIST, type: 'success' }, 'login_account'],
    ['login_account a string', { login_account: '1408847', type: 'success' }, 'login_account'],
    ['coins as objects', { login_account: { ...LOGIN, call_coins: { purchased: '10500' } }, type: 'success' }, 'login_account.call_coins'],
    ['desk_phone as an array', { login_account: LOGIN, desk_phone: ['01206851234'], type: 'success' }, 'desk_phone'],
  ])('%s is a BAD_RESPONSE naming the path', async (_name, body, path) => {
    fake.everyone = faults.json(200, body);
    await expectFailure(provider.fetchSnapshot(ACCOUNT), {
      code: ErrorCode.UPSTREAM_BAD_RESPONSE,
      message: `Digidonar sent a body of unexpected shape at ${path}`,
    });
  });

  it.each([['error'], ['failed'], ['']])('"type": %j is a BAD_RESPONSE', async (type) => {
    fake.everyone = faults.json(200, { ...DOCUMENTED_BODY, type });
    await expectFailure(provider.fetchSnapshot(ACCOUNT), {
      code: ErrorCode.UPSTREAM_BAD_RESPONSE,
      message: 'Digidonar answered without "type": "success"',
    });
  });

  it.each([
    ['missing', (({ account_id: _omitted, ...rest }) => rest)(LOGIN)],
    ['null', { ...LOGIN, account_id: null }],
    ['blank', { ...LOGIN, account_id: '  ' }],
  ])('account_id %s is a BAD_RESPONSE', async (_name, login) => {
    fake.everyone = faults.json(200, { ...DOCUMENTED_BODY, login_account: login });
    await expectFailure(provider.fetchSnapshot(ACCOUNT), {
      code: ErrorCode.UPSTREAM_BAD_RESPONSE,
      message: 'Digidonar sent no account_id, so ownership cannot be checked',
    });
  });

  it.each([['9999999'], [9999999], ['14088470']])('account_id of another account (%j) is an ACCOUNT_MISMATCH', async (otherId) => {
    fake.everyone = faults.json(200, { ...DOCUMENTED_BODY, login_account: { ...LOGIN, account_id: otherId } });
    const error = await expectFailure(provider.fetchSnapshot(ACCOUNT), {
      code: ErrorCode.UPSTREAM_ACCOUNT_MISMATCH,
      message: 'Digidonar returned a different account for these credentials; check the accounts file',
    });
    // Nothing of the other account reaches the caller.
    expect(JSON.stringify(error)).not.toContain(String(otherId));
    expect(error.message).not.toContain('Lavi');
  });
});

describe('Digidonar connection pool', () => {
  const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

  // undici's Pool marks a connection free again one setImmediate after its response ends, so a
  // call made in the very same tick may open a second connection (up to maxConnections).
  it('reuses one TCP connection for sequential calls, after an error status too', async () => {
    fake.everyone = faults.json(200, DOCUMENTED_BODY);
    await provider.fetchSnapshot(ACCOUNT);
    await tick();
    await provider.fetchSnapshot(ACCOUNT);
    expect(fake.connections).toBe(1);
    await tick();
    fake.everyone = faults.json(401, { type: 'error' });
    await expectFailure(provider.fetchSnapshot(ACCOUNT), { code: ErrorCode.UPSTREAM_UNAUTHORIZED, upstreamStatus: '401' });
    await tick();
    fake.everyone = faults.json(200, DOCUMENTED_BODY);
    await provider.fetchSnapshot(ACCOUNT);
    expect(fake.requestCount()).toBe(4);
    expect(fake.connections).toBe(1);
  });

  it('never opens more than maxConnections, however calls follow each other', async () => {
    fake.everyone = faults.json(200, DOCUMENTED_BODY);
    for (let i = 0; i < 10; i += 1) await provider.fetchSnapshot(ACCOUNT);
    expect(fake.requestCount()).toBe(10);
    expect(fake.connections).toBeLessThanOrEqual(HTTP.maxConnections);
  });

  it('with maxConnections 1, serves back-to-back and concurrent calls over one connection', async () => {
    const single = createDigidonarProvider({ ...HTTP, maxConnections: 1, baseUrl: fake.origin, timeZone: 'Asia/Kolkata' });
    try {
      fake.everyone = faults.json(200, DOCUMENTED_BODY);
      await single.fetchSnapshot(ACCOUNT);
      await single.fetchSnapshot(ACCOUNT);
      fake.everyone = (c) => setTimeout(() => faults.json(200, DOCUMENTED_BODY)(c), 20);
      const snapshots = await Promise.all([1, 2, 3].map(() => single.fetchSnapshot(ACCOUNT)));
      expect(snapshots.map((s) => s.accountId)).toEqual(['1408847', '1408847', '1408847']);
      expect(fake.requestCount()).toBe(5);
      expect(fake.connections).toBe(1);
    } finally {
      await single.close();
    }
  });
});

// Values no provider means: every field has a length no real value comes near, and a longer one
// is refused with the body before any parser reads it. Numbers are kept as the text that was sent.

describe('Digidonar values longer than any real one', () => {
  const numbers = (count: number) => Array.from({ length: count }, (_, i) => `0120${6850000 + i}`).join(', ');

  it.each([
    ['a coin count', { login_account: { ...LOGIN, sms_coins: '5'.repeat(SHORT_VALUE_MAX + 1) } }, 'login_account.sms_coins'],
    ['a date', { login_account: { ...LOGIN, expired_on: `2023-12-30 00:00:00${' '.repeat(SHORT_VALUE_MAX)}` } }, 'login_account.expired_on'],
    ['a phone number', { login_account: { ...LOGIN, admin_number: '9'.repeat(SHORT_VALUE_MAX + 1) } }, 'login_account.admin_number'],
    ['a company name', { login_account: { ...LOGIN, company_name: 'L'.repeat(TEXT_VALUE_MAX + 1) } }, 'login_account.company_name'],
    ['desk_phone, by length', { desk_phone: '1'.repeat(NUMBER_LIST_TEXT_MAX + 1) }, 'desk_phone'],
    ['did_no inside login_account, by count', { login_account: { ...LOGIN, did_no: numbers(NUMBER_LIST_MAX_ITEMS + 1) } }, 'login_account.did_no'],
  ])('%s is a BAD_RESPONSE naming the path, never the value', async (_name, fields, path) => {
    const roomy = createDigidonarProvider({ ...HTTP, maxBodyBytes: 1024 * 1024, baseUrl: fake.origin, timeZone: 'Asia/Kolkata' });
    try {
      fake.everyone = faults.json(200, { ...DOCUMENTED_BODY, ...fields });
      await expectFailure(roomy.fetchSnapshot(ACCOUNT), {
        code: ErrorCode.UPSTREAM_BAD_RESPONSE,
        message: `Digidonar sent a body with a value too long at ${path}`,
      });
    } finally {
      await roomy.close();
    }
  });

  it(`reads a list of ${NUMBER_LIST_MAX_ITEMS} numbers`, async () => {
    const roomy = createDigidonarProvider({ ...HTTP, maxBodyBytes: 1024 * 1024, baseUrl: fake.origin, timeZone: 'Asia/Kolkata' });
    try {
      fake.everyone = faults.json(200, { ...DOCUMENTED_BODY, desk_phone: numbers(NUMBER_LIST_MAX_ITEMS) });
      expect((await roomy.fetchSnapshot(ACCOUNT)).deskPhones).toHaveLength(NUMBER_LIST_MAX_ITEMS);
    } finally {
      await roomy.close();
    }
  });
});

describe('Digidonar values sent as JSON numbers', () => {
  it('compares an account_id beyond 2^53 by the digits sent, not by a rounded float', async () => {
    const id = '12345678901234567891';
    const exact = createDigidonarProvider({ ...HTTP, baseUrl: fake.origin, timeZone: 'Asia/Kolkata' });
    try {
      fake.everyone = faults.json(200, JSON.stringify({ ...DOCUMENTED_BODY, login_account: { ...LOGIN, account_id: '@id@' } }).replace('"@id@"', id));
      expect((await exact.fetchSnapshot(canaryAccount('DIGIDONAR', id))).accountId).toBe(id);
      // One digit off is another account, however close the floats are.
      await failureChecker('DIGIDONAR', '12345678901234567890', 'Digidonar')(exact.fetchSnapshot(canaryAccount('DIGIDONAR', '12345678901234567890')), {
        code: ErrorCode.UPSTREAM_ACCOUNT_MISMATCH,
      });
    } finally {
      await exact.close();
    }
  });

  it('a number nested deeper than the stack can revive is a BAD_RESPONSE', async () => {
    const depth = 100_000;
    fake.everyone = faults.json(200, `{"type":"success","x":${'['.repeat(depth)}1.5${']'.repeat(depth)}}`);
    const roomy = createDigidonarProvider({ ...HTTP, maxBodyBytes: 1024 * 1024, baseUrl: fake.origin, timeZone: 'Asia/Kolkata' });
    try {
      await expectFailure(roomy.fetchSnapshot(ACCOUNT), { code: ErrorCode.UPSTREAM_BAD_RESPONSE, message: 'Digidonar sent JSON nested too deeply' });
    } finally {
      await roomy.close();
    }
  });

  it('reads a phone number sent as a number with its digits as sent', async () => {
    fake.everyone = faults.json(200, JSON.stringify({ ...DOCUMENTED_BODY, login_account: { ...LOGIN, admin_number: '@n@' } }).replace('"@n@"', '917289123483'));
    expect((await provider.fetchSnapshot(ACCOUNT)).profile?.adminPhone).toEqual({ raw: '917289123483', e164: '+917289123483', country: 'IN' });
  });
});
