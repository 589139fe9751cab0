import { request } from 'undici';
import { Secret } from '../../src/domain/secret';
import {
  AccountDocument,
  AccountsDocument,
  AccountTwiceDocument,
  EntitiesDocument,
  type Provider,
} from '../generated/operations';
import { startHarness, type Harness } from '../support/harness';

let harness: Harness;

beforeAll(async () => {
  harness = await startHarness({
    extraAccounts: (sandbox) => {
      const lavi = sandbox.accounts.find((a) => a.accountId === '1408847')!;
      const acme = sandbox.accounts.find((a) => a.accountId === 'acme-voice')!;
      return [
        // Lavi's credentials filed under another account id: Digidonar answers for 1408847.
        { provider: 'DIGIDONAR', accountId: '9999999', key: new Secret(lavi.key), secret: new Secret(lavi.secret), description: null },
        // A rotated secret the provider no longer accepts.
        { provider: 'SIMPSY', accountId: 'stale-keys', key: new Secret(acme.key), secret: new Secret('wrong-secret'), description: null },
      ];
    },
  });
});

afterAll(() => harness.close());

describe('root fields', () => {
  test('a Digidonar account resolves to normalized billing', async () => {
    const { data, errors } = await harness.query(AccountDocument, { provider: 'DIGIDONAR', accountId: '1408847' });
    expect(errors).toBeUndefined();
    const account = data!.account!;
    expect(account.provider).toBe('DIGIDONAR');
    expect(account.profile).toMatchObject({ companyName: 'Lavi', companyAddress: 'Mumbai, India', adminFirstName: null });
    expect(account.coins).toContainEqual({ kind: 'SMS', purchased: 5500, available: 4950, used: 550 });
    expect(account.validity?.createdAt).toEqual({
      instant: '2020-08-19T07:54:24.000Z',
      timeZone: 'Asia/Kolkata',
      raw: '2020-08-19 13:24:24',
    });
    expect(account.deskPhones?.map((d) => d.e164)).toContain('+911206851234');
    expect(account.plan).toBeNull();
    expect(account.monthlyCharges).toBeNull();
    expect(Date.parse(account.fetchedAt)).not.toBeNaN();
  });

  test('a Simpsy account resolves with exact money and checked monthly charges', async () => {
    const { data, errors } = await harness.query(AccountDocument, { provider: 'SIMPSY', accountId: 'acme-voice' });
    expect(errors).toBeUndefined();
    const account = data!.account!;
    expect(account.plan?.name).toBe('Small-Medium Enterprise');
    expect(account.plan?.price).toEqual({ amount: '24.90', currency: 'USD', raw: '$24.90' });
    expect(account.plan?.includedStorage).toEqual({ raw: '3GB', value: '3', unit: 'GB', gigabytes: 3 });
    expect(account.creditLimit).toEqual({ amount: '139.90', currency: 'USD', raw: '$139.90' });
    expect(account.billingCycle).toEqual({ date: '2018-04-08', raw: '2018-04-08' });
    expect(account.paymentMethod).toEqual({ type: 'Visa', maskedCardNumber: '411111******1111', last4: '1111' });
    expect(account.dids?.map((d) => [d.raw, d.country, d.monthlyPrice?.amount])).toEqual([
      ['1234567', 'US', '15.90'],
      ['651234567', 'SG', '21.90'],
    ]);
    expect(account.monthlyCharges?.lineItems.map((item) => item.amount.amount)).toEqual([
      '24.90', '49.00', '56.00', '10.00', '15.90', '21.90',
    ]);
    expect(account.monthlyCharges?.computedTotal?.amount).toBe('177.70');
    expect(account.monthlyCharges?.matches).toBe(true);
    expect(account.coins).toBeNull();
  });

  test('asking for one account twice in a query costs one upstream call', async () => {
    const before = harness.upstreamCalls();
    const { data, errors } = await harness.query(AccountTwiceDocument, { provider: 'DIGIDONAR', accountId: '1512093' });
    expect(errors).toBeUndefined();
    expect(data!.first?.accountId).toBe('1512093');
    expect(data!.second?.validity?.serviceOrder).toBeTruthy();
    expect(harness.upstreamCalls() - before).toBe(1);
  });

  test('accounts: each failure is null with its own code at its own index; the rest resolve', async () => {
    const before = harness.upstreamCalls();
    const { data, errors, status } = await harness.query(AccountsDocument, {
      keys: [
        { provider: 'DIGIDONAR', accountId: '1408847' },
        { provider: 'SIMPSY', accountId: 'lapsed-voice' },
        { provider: 'SIMPSY', accountId: 'no-such-account' },
        { provider: 'SIMPSY', accountId: 'acme-voice' },
        { provider: 'DIGIDONAR', accountId: '9999999' },
        { provider: 'SIMPSY', accountId: 'stale-keys' },
        { provider: 'DIGIDONAR', accountId: '1408847' },
      ],
    });
    expect(status).toBe(200);
    expect(data!.accounts.map((a) => a?.accountId ?? null)).toEqual([
      '1408847', null, null, 'acme-voice', null, null, '1408847',
    ]);
    const byIndex = Object.fromEntries((errors ?? []).map((e) => [e.path?.[1], e.extensions]));
    expect(byIndex).toEqual({
      1: { code: 'UPSTREAM_PAYMENT_REQUIRED', provider: 'SIMPSY', accountId: 'lapsed-voice', upstreamStatus: '300' },
      2: { code: 'ACCOUNT_NOT_FOUND', provider: 'SIMPSY', accountId: 'no-such-account' },
      4: { code: 'UPSTREAM_ACCOUNT_MISMATCH', provider: 'DIGIDONAR', accountId: '9999999' },
      5: { code: 'UPSTREAM_UNAUTHORIZED', provider: 'SIMPSY', accountId: 'stale-keys', upstreamStatus: '401' },
    });
    // Six distinct configured accounts were asked for; the unknown one never reaches a provider.
    expect(harness.upstreamCalls() - before).toBe(5);
  });

  test('too many keys is a BAD_USER_INPUT error, not a storm of upstream calls', async () => {
    const before = harness.upstreamCalls();
    const keys = Array.from({ length: 101 }, (_, i) => ({ provider: 'SIMPSY' as const, accountId: `a${i}` }));
    const { data, errors, status } = await harness.query(AccountsDocument, { keys });
    // Refused before execution, like the other request limits: HTTP 400 and no data at all.
    expect(status).toBe(400);
    expect(data ?? null).toBeNull();
    expect(errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(harness.upstreamCalls()).toBe(before);
  });

  test('an unknown provider in variables is rejected with BAD_USER_INPUT', async () => {
    const response = await harness.query(AccountDocument, { provider: 'NOPE' as never, accountId: '1' });
    expect(response.status).toBe(400);
    expect(response.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  test('an invalid query gets GRAPHQL_VALIDATION_FAILED', async () => {
    const response = await harness.query('{ account(provider: SIMPSY, accountId: "x") { nope } }');
    expect(response.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
  });
});

describe('_entities', () => {
  test('duplicate representations cost one upstream call per distinct account, in order', async () => {
    const before = harness.upstreamCalls();
    const representations = [
      { __typename: 'Account', provider: 'DIGIDONAR', accountId: '1408847' },
      { __typename: 'Account', provider: 'SIMPSY', accountId: 'acme-voice' },
      { __typename: 'Account', provider: 'DIGIDONAR', accountId: '1408847' },
      { __typename: 'Account', provider: 'SIMPSY', accountId: 'northwind-calls' },
      { __typename: 'Account', provider: 'SIMPSY', accountId: 'acme-voice' },
      { __typename: 'Account', provider: 'DIGIDONAR', accountId: 1408847 },
    ];
    const { data, errors } = await harness.query(EntitiesDocument, { representations });
    expect(errors).toBeUndefined();
    const entities = data!._entities as Array<{ accountId: string; profile: unknown; plan: { name: string } | null }>;
    expect(entities.map((e) => e.accountId)).toEqual([
      '1408847', 'acme-voice', '1408847', 'northwind-calls', 'acme-voice', '1408847',
    ]);
    expect(entities[1]?.plan?.name).toBe('Small-Medium Enterprise');
    expect(harness.upstreamCalls() - before).toBe(3);
  });

  test('one failing account among good ones: only its entry is null, with its code', async () => {
    const representations = [
      { __typename: 'Account', provider: 'SIMPSY', accountId: 'acme-voice' },
      { __typename: 'Account', provider: 'SIMPSY', accountId: 'lapsed-voice' },
      { __typename: 'Account', provider: 'FAX', accountId: '1' },
      { __typename: 'Account', provider: 'DIGIDONAR', accountId: '1620451' },
      { __typename: 'Account', provider: 'DIGIDONAR' },
    ];
    const { data, errors } = await harness.query(EntitiesDocument, { representations });
    const entities = data!._entities as Array<{ accountId: string } | null>;
    expect(entities.map((e) => e?.accountId ?? null)).toEqual(['acme-voice', null, null, '1620451', null]);
    const codes = Object.fromEntries((errors ?? []).map((e) => [e.path?.[1], e.extensions?.code]));
    expect(codes).toEqual({ 1: 'UPSTREAM_PAYMENT_REQUIRED', 2: 'BAD_USER_INPUT', 4: 'BAD_USER_INPUT' });
  });

  test('an unknown __typename is BAD_USER_INPUT and leaves no rejected load behind (regression)', async () => {
    // @apollo/subgraph fails half-way through the list on an unknown type; the load it had
    // already started for lapsed-voice then rejected unhandled, which stops a Node process.
    const representations = [
      { __typename: 'Account', provider: 'SIMPSY', accountId: 'lapsed-voice' },
      { __typename: 'NoSuchType', provider: 'SIMPSY', accountId: 'acme-voice' },
    ];
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      const { data, errors } = await harness.query(EntitiesDocument, { representations });
      expect(data).toBeNull();
      expect(errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
      expect(errors?.[0]?.message).toContain('representations[1]');
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });

  test('upstream calls for different accounts run concurrently', async () => {
    const slow = await startHarness({ latencyMs: 300 });
    try {
      const representations = slow.sandbox.accounts.map((a) => ({ __typename: 'Account', provider: a.provider, accountId: a.accountId }));
      const started = performance.now();
      await slow.query(EntitiesDocument, { representations });
      const elapsed = performance.now() - started;
      // Six accounts at 300 ms each: about 300 ms together, 1800 ms one after another.
      expect(elapsed).toBeLessThan(1500);
      expect(slow.upstreamCalls()).toBe(6);
    } finally {
      await slow.close();
    }
  });
});

describe('HTTP surface', () => {
  test('GET /healthz answers 200 once listening', async () => {
    const response = await request(harness.url.replace('/graphql', '/healthz'));
    expect(response.statusCode).toBe(200);
    expect(await response.body.json()).toEqual({ status: 'ok' });
  });

  test('no response carries a credential of any configured account', async () => {
    const secrets = harness.sandbox.accounts.flatMap((a) => [a.key, a.secret]).concat('wrong-secret');
    const responses = await Promise.all([
      harness.query(AccountsDocument, {
        keys: harness.sandbox.accounts.map((a) => ({ provider: a.provider as Provider, accountId: a.accountId })).concat([
          { provider: 'SIMPSY', accountId: 'stale-keys' },
          { provider: 'DIGIDONAR', accountId: '9999999' },
        ]),
      }),
      harness.query(AccountDocument, { provider: 'SIMPSY', accountId: 'acme-voice' }),
    ]);
    for (const response of responses) {
      for (const secret of secrets) {
        expect(response.text).not.toContain(secret);
        expect(response.text).not.toContain(encodeURIComponent(secret));
      }
    }
  });
});
