import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { request } from 'undici';
import { parse } from 'yaml';
import { loadConfig } from '../../src/config/config';
import { startHarness, type Harness } from '../support/harness';

// The router itself cannot run here (a binary download), so its configuration is checked as data,
// and what it promises the billing subgraph (the headers it sends) is checked against the subgraph.
const ROOT = resolve(__dirname, '..', '..');
const ROUTER_DIR = join(ROOT, 'deploy', 'router');
const config = parse(readFileSync(join(ROUTER_DIR, 'router.yaml'), 'utf8')) as Record<string, any>;
const rover = parse(readFileSync(join(ROOT, 'rover.yaml'), 'utf8')) as { subgraphs: Record<string, unknown> };

const ENV_REFERENCE = /^\$\{env\.([A-Z][A-Z0-9_]*)(:-[^}]*)?\}$/;

type HeaderRule = { propagate?: { named: string }; insert?: { name: string; value: string } };

function billingRules(): HeaderRule[] {
  return config.headers.subgraphs.billing.request as HeaderRule[];
}

/** What the router sends in a header value: `${env.NAME}` read from the given environment. */
function expand(value: string, env: Record<string, string>): string {
  const match = ENV_REFERENCE.exec(value);
  if (!match) throw new Error(`not an environment reference: ${value}`);
  const found = env[match[1]!];
  if (found === undefined) throw new Error(`${match[1]} not set`);
  return found;
}

/** Every string in the config with its path. */
function strings(value: unknown, path: string[] = []): Array<{ path: string; value: string }> {
  if (typeof value === 'string') return [{ path: path.join('.'), value }];
  if (Array.isArray(value)) return value.flatMap((item, index) => strings(item, [...path, String(index)]));
  if (value && typeof value === 'object') return Object.entries(value).flatMap(([key, item]) => strings(item, [...path, key]));
  return [];
}

/** Router durations ("10s", "500ms", "1m") in milliseconds. */
function durationMs(value: string): number {
  const match = /^(\d+)(ms|s|m)$/.exec(value);
  if (!match) throw new Error(`unreadable duration ${value}`);
  return Number(match[1]) * { ms: 1, s: 1000, m: 60_000 }[match[2] as 'ms' | 's' | 'm'];
}

describe('deploy/router/router.yaml', () => {
  test('names only subgraphs that rover.yaml composes, billing among them', () => {
    const named = [
      ...Object.keys(config.include_subgraph_errors.subgraphs),
      ...Object.keys(config.headers.subgraphs),
      ...Object.keys(config.traffic_shaping.subgraphs),
      ...Object.keys(config.response_cache.subgraph.subgraphs),
    ];
    expect(named).toContain('billing');
    for (const name of named) expect(Object.keys(rover.subgraphs)).toContain(name);
  });

  test("includes billing's errors (the router redacts subgraph errors by default) and no one else's", () => {
    expect(config.include_subgraph_errors).toEqual({ all: false, subgraphs: { billing: true } });
  });

  test("propagates the caller's JWT to billing, and the request id to every subgraph", () => {
    expect(billingRules()).toContainEqual({ propagate: { named: 'authorization' } });
    expect(config.headers.all.request).toContainEqual({ propagate: { named: 'x-request-id' } });
  });

  test("sends billing's router secret in the header billing checks, from the router's environment", () => {
    const inserts = billingRules().filter((rule) => rule.insert).map((rule) => rule.insert!);
    expect(inserts).toHaveLength(1);
    expect(inserts[0]!.name).toBe(loadConfig({}).security.routerSecretHeader);
    expect(inserts[0]!.value).toMatch(ENV_REFERENCE);
    // No default after `:-`: a router without the secret must not start with a made-up one.
    expect(ENV_REFERENCE.exec(inserts[0]!.value)?.[2]).toBeUndefined();
  });

  test('holds no literal secret: header values, keys, passwords and tokens all come from the environment', () => {
    const sensitive = strings(config).filter(({ path }) => /(^|\.)(value|secret|password|token|key|shared_key|api_key)$/i.test(path));
    expect(sensitive.length).toBeGreaterThan(0);
    for (const { path, value } of sensitive) expect([path, value]).toEqual([path, expect.stringMatching(ENV_REFERENCE)]);
    // And nothing that looks like one anywhere: long runs of letters and digits.
    for (const { path, value } of strings(config)) expect([path, /[A-Za-z0-9+/_-]{32,}/.test(value)]).toEqual([path, false]);
  });

  test('verifies JWTs against a JWKS from the environment and enforces the authorization directives', () => {
    const jwks = config.authentication.router.jwt.jwks as Array<{ url: string }>;
    expect(jwks.length).toBeGreaterThan(0);
    for (const { url } of jwks) expect(url).toMatch(ENV_REFERENCE);
    expect(config.authorization.directives.enabled).toBe(true);
  });

  test("caches billing's responses per caller: private_id is set by the Rhai script from the verified JWT", () => {
    expect(config.response_cache.enabled).toBe(true);
    const privateId = config.response_cache.subgraph.subgraphs.billing.private_id as string;
    expect(privateId).toMatch(/^\w+$/);
    const script = join(ROUTER_DIR, 'rhai', config.rhai.main as string);
    expect(config.rhai.scripts).toBe('/dist/rhai');
    expect(existsSync(script)).toBe(true);
    const rhai = readFileSync(script, 'utf8');
    expect(rhai).toContain(`request.context["${privateId}"]`);
    expect(rhai).toContain('Router.APOLLO_AUTHENTICATION_JWT_CLAIMS');
  });

  test('limits operation cost with static estimates, enforced', () => {
    expect(config.demand_control).toMatchObject({ enabled: true, mode: 'enforce' });
    const estimated = config.demand_control.strategy.static_estimated as { list_size: number; max: number };
    expect(estimated.list_size).toBeGreaterThan(0);
    expect(estimated.max).toBeGreaterThan(0);
  });

  test("gives billing more time than its own upstream deadline, and the whole request more than that", () => {
    const defaults = loadConfig({});
    const deadline = Math.max(...Object.values(defaults.upstreams).map((settings) => settings.deadlineMs));
    const billing = durationMs(config.traffic_shaping.subgraphs.billing.timeout as string);
    expect(billing).toBeGreaterThan(deadline);
    expect(durationMs(config.traffic_shaping.router.timeout as string)).toBeGreaterThan(billing);
  });

  describe('what the router sends, as the billing subgraph sees it', () => {
    const routerEnv = { BILLING_ROUTER_SECRET: 'router-config-test-secret-0123' };
    const lines: Array<Record<string, unknown>> = [];
    let harness: Harness;
    beforeAll(async () => {
      harness = await startHarness({
        env: { ROUTER_SECRET: routerEnv.BILLING_ROUTER_SECRET },
        logDestination: { write: (line) => void lines.push(JSON.parse(line) as Record<string, unknown>) },
      });
    });
    afterAll(async () => {
      await harness.close();
    });

    async function post(headers: Record<string, string>) {
      const response = await request(harness.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify({ query: '{ _service { sdl } }' }),
      });
      await response.body.dump();
      return response.statusCode;
    }

    test('the inserted router secret lets the request in; without it, 401', async () => {
      const insert = billingRules().find((rule) => rule.insert)!.insert!;
      expect(await post({ [insert.name]: expand(insert.value, routerEnv) })).toBe(200);
      expect(await post({})).toBe(401);
    });

    test('the propagated x-request-id is the request id in the subgraph\'s log line', async () => {
      const insert = billingRules().find((rule) => rule.insert)!.insert!;
      const [propagated] = (config.headers.all.request as HeaderRule[]).map((rule) => rule.propagate!.named);
      expect(await post({ [insert.name]: expand(insert.value, routerEnv), [propagated!]: 'req-from-router-42' })).toBe(200);
      expect(lines.some((line) => line.requestId === 'req-from-router-42')).toBe(true);
    });
  });
});
