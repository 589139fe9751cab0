import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { request } from 'undici';
import { parseAccounts } from '../../src/config/accounts-file';
import { loadConfig } from '../../src/config/config';
import { ConfigError } from '../../src/config/config-error';
import { Secret } from '../../src/domain/secret';
import { printSubgraphSdl } from '../../src/graphql/print-schema';
import { INSTALLED_PROVIDERS } from '../../src/providers/installed';
import { createApp } from '../../src/server/app';
import { createLogger } from '../../src/server/logger';
import { acme } from '../fixtures/providers/acme';
import { startHarness, type Harness } from '../support/harness';

// A provider is a folder: test/fixtures/providers/acme/ holds a toy third provider (module, client,
// mapper, fake, sample files), and this list is the only other thing that names it. Nothing under
// src/ knows Acme, yet the real server resolves it as a root field and as an entity.
const PROVIDERS = [...INSTALLED_PROVIDERS, acme];

let harness: Harness;

beforeAll(async () => {
  harness = await startHarness({
    providers: PROVIDERS,
    extraAccounts: () => [
      { provider: 'ACME', accountId: 'wile-e', key: new Secret('demo-acme-road-runner-key'), secret: new Secret('wrong'), description: null },
    ],
  });
});

afterAll(async () => {
  await harness.close();
});

describe('a third provider from a fixture folder, through the real server', () => {
  test('the root field resolves it, amounts in its own configured currency', async () => {
    const response = await harness.query(
      '{ account(provider: ACME, accountId: "road-runner") { provider accountId profile { companyName } plan { name } monthlyTotal { amount currency raw } coins { kind } } }',
    );
    expect(response.errors).toBeUndefined();
    expect(response.data).toEqual({
      account: {
        provider: 'ACME',
        accountId: 'road-runner',
        profile: { companyName: 'Road Runner Deliveries' },
        plan: { name: 'Coyote' },
        monthlyTotal: { amount: '49.90', currency: 'EUR', raw: '49.90' },
        coins: null,
      },
    });
    expect(harness.sandbox.requestCount('ACME')).toBeGreaterThanOrEqual(1);
  });

  test('_entities resolves it beside the installed providers, one upstream call each', async () => {
    const before = harness.upstreamCalls();
    const response = await harness.query(
      `query ($representations: [_Any!]!) { _entities(representations: $representations) { ... on Account { provider accountId plan { name } } } }`,
      {
        representations: [
          { __typename: 'Account', provider: 'ACME', accountId: 'road-runner' },
          { __typename: 'Account', provider: 'SIMPSY', accountId: 'acme-voice' },
          { __typename: 'Account', provider: 'DIGIDONAR', accountId: '1408847' },
          { __typename: 'Account', provider: 'ACME', accountId: 'road-runner' },
        ],
      },
    );
    expect(response.errors).toBeUndefined();
    expect(response.data).toEqual({
      _entities: [
        { provider: 'ACME', accountId: 'road-runner', plan: { name: 'Coyote' } },
        { provider: 'SIMPSY', accountId: 'acme-voice', plan: { name: 'Small-Medium Enterprise' } },
        { provider: 'DIGIDONAR', accountId: '1408847', plan: null },
        { provider: 'ACME', accountId: 'road-runner', plan: { name: 'Coyote' } },
      ],
    });
    expect(harness.upstreamCalls() - before).toBe(3);
  });

  test('a representation with a provider outside the list names every provider of the list', async () => {
    const response = await harness.query(
      `query ($representations: [_Any!]!) { _entities(representations: $representations) { ... on Account { accountId } } }`,
      { representations: [{ __typename: 'Account', provider: 'FAX', accountId: 'a' }] },
    );
    expect(response.errors?.[0]).toMatchObject({
      message: 'An Account representation needs a provider (DIGIDONAR, SIMPSY or ACME) and a non-empty accountId',
      extensions: { code: 'BAD_USER_INPUT' },
    });
  });

  test('its errors carry its display name, its id and its code', async () => {
    const response = await harness.query('{ account(provider: ACME, accountId: "wile-e") { accountId } }');
    expect(response.data).toEqual({ account: null });
    expect(response.errors?.[0]).toMatchObject({
      message: 'Acme rejected the credentials of this account (HTTP 403)',
      extensions: { code: 'UPSTREAM_UNAUTHORIZED', provider: 'ACME', accountId: 'wile-e', upstreamStatus: '403' },
    });
  });

  test('the Provider enum gains its value and description; the installed schema stays the committed one', async () => {
    const response = await harness.query<{ _service: { sdl: string } }, Record<string, never>>('{ _service { sdl } }');
    const sdl = response.data!._service.sdl;
    const providerEnum = /enum Provider \{[^}]*\}/.exec(sdl)?.[0] ?? '';
    expect(providerEnum).toContain('Acme Telecom, a toy provider of the tests: company, plan and monthly total.');
    expect(providerEnum.match(/^\s+[A-Z_]+$/gm)?.map((value) => value.trim())).toEqual(['DIGIDONAR', 'SIMPSY', 'ACME']);
    const installed = await printSubgraphSdl();
    expect(installed).not.toContain('ACME');
    expect(installed).toBe(readFileSync(join(__dirname, '../../schema.graphql'), 'utf8'));
  });

  test('metrics know it before its first call: its breaker starts closed', async () => {
    const response = await request(harness.url.replace('/graphql', '/metrics'));
    const text = await response.body.text();
    expect(text).toContain('billing_upstream_breaker_state{provider="ACME"} 0');
  });
});

describe('its configuration, derived from its id', () => {
  test('<ID>_BASE_URL, <ID>_TIME_ZONE, its own <ID>_<SETTING>, its defaults and the shared UPSTREAM_*', () => {
    const defaults = loadConfig({}, PROVIDERS).upstreams.ACME;
    expect(defaults).toMatchObject({ baseUrl: 'https://billing.acme.example', timeZone: 'UTC', cacheTtlSeconds: 30, currency: 'EUR' });
    const set = loadConfig(
      { ACME_BASE_URL: 'http://127.0.0.1:9/acme/', ACME_TIME_ZONE: 'Europe/Paris', ACME_CURRENCY: 'USD', UPSTREAM_DEADLINE_MS: '1500', ACME_MAX_RETRIES: '0' },
      PROVIDERS,
    ).upstreams.ACME;
    expect(set).toMatchObject({ baseUrl: 'http://127.0.0.1:9/acme', timeZone: 'Europe/Paris', currency: 'USD', deadlineMs: 1500, maxRetries: 0 });
    expect(() => loadConfig({ ACME_CURRENCY: 'euro' }, PROVIDERS)).toThrow(ConfigError);
    expect(() => loadConfig({ ACME_CURRENCY: 'euro' }, PROVIDERS)).toThrow('ACME_CURRENCY: must be an ISO 4217 code such as EUR');
    // Without it in the list, its variables are nobody's.
    expect(loadConfig({ ACME_CURRENCY: 'euro' }).upstreams.ACME).toBeUndefined();
  });

  test('a list that cannot work is refused before anything is built from it', () => {
    expect(() => loadConfig({}, [...PROVIDERS, acme])).toThrow('provider module ACME is installed twice');
    expect(() => loadConfig({}, [{ ...acme, id: 'Acme' }])).toThrow('provider module Acme is not SCREAMING_SNAKE');
    expect(() => loadConfig({}, [{ ...acme, capabilities: ['snapshot', 'invoices'] }])).toThrow(
      'provider module ACME has a fake without an endpoint for each capability',
    );
    expect(() => loadConfig({}, [])).toThrow('no provider is installed');
  });

  test('a client that does not fetch what its module declares is refused when the app is built', async () => {
    const liar = { ...acme, createClient: (...args: Parameters<typeof acme.createClient>) => ({ ...acme.createClient(...args), provider: 'OTHER' }) };
    await expect(
      createApp({ config: loadConfig({}, [liar]), accounts: [], logger: createLogger({ level: 'silent' }) }),
    ).rejects.toThrow('provider module ACME builds a client that does not match its id and capabilities');
  });

  test('the accounts file accepts it only when it is in the list', () => {
    const text = 'accounts:\n  - { provider: ACME, accountId: road-runner, key: k, secret: s }\n';
    expect(parseAccounts(text, {}, 'accounts file', PROVIDERS.map((module) => module.id))[0]).toMatchObject({ provider: 'ACME' });
    expect(() => parseAccounts(text, {})).toThrow(ConfigError);
  });

  test('the start-up notices name it when its credentials would cross the network in clear', async () => {
    const lines: string[] = [];
    const app = await createApp({
      config: loadConfig({ ACME_BASE_URL: 'http://billing.acme.example', SIMPSY_BASE_URL: 'https://voice.simpsy.com/api/v1' }, PROVIDERS),
      accounts: [],
      logger: createLogger({ level: 'info', destination: { write: (line: string) => void lines.push(line) } }),
    });
    await app.close();
    const warnings = lines.map((line) => JSON.parse(line) as Record<string, unknown>).filter((line) => String(line.msg).includes('plain HTTP'));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({ provider: 'Acme', host: 'billing.acme.example' });
  });
});
