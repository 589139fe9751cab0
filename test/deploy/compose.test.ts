import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import { DockerfileParser } from 'dockerfile-ast';
import { parse as parseGraphQL } from 'graphql';
import { request } from 'undici';
import { parse } from 'yaml';
import { composeRoverConfig, expandEnv } from '../../scripts/supergraph';
import { startHarness, type Harness } from '../support/harness';

// Compose cannot run here (no Docker engine): the file is checked as data (services, build
// contexts, mounts, the wiring between them), and the commands its services run from the image's
// tools stage are run as they are, against real processes.
const ROOT = resolve(__dirname, '..', '..');
const COMPOSE_DIR = join(ROOT, 'deploy', 'compose');
const compose = parse(readFileSync(join(COMPOSE_DIR, 'docker-compose.yaml'), 'utf8'), { merge: true }) as {
  services: Record<string, Service>;
  volumes?: Record<string, unknown>;
};

interface Service {
  image?: string;
  build?: { context: string; dockerfile: string; target?: string };
  command?: string[];
  environment?: Record<string, string>;
  volumes?: string[];
  depends_on?: Record<string, { condition: string }> | string[];
  networks?: { default?: { aliases?: string[] } };
}

const services = compose.services;
const dockerfileStages = DockerfileParser.parse(readFileSync(join(ROOT, 'Dockerfile'), 'utf8'))
  .getFROMs()
  .map((from) => from.getBuildStage());

/** Compose's `${NAME:-default}` as compose reads it with nothing set. */
function composeDefault(value: string): string {
  return value.replace(/\$\{[A-Z_]+:-([^}]*)\}/g, '$1');
}

describe('deploy/compose/docker-compose.yaml', () => {
  test('has the router, two billing instances, the companion, the supergraph composer, Redis, Prometheus and Grafana', () => {
    expect(Object.keys(services).sort()).toEqual(
      ['billing-1', 'billing-2', 'companion', 'grafana', 'prometheus', 'redis', 'router', 'supergraph'].sort(),
    );
    expect(services.router?.image).toMatch(/^ghcr\.io\/apollographql\/router:v2\.\d+\.\d+$/);
    for (const name of Object.keys(services)) {
      const service = services[name]!;
      // Every image is pinned to a version (or built here).
      if (!service.build) expect([name, service.image]).toEqual([name, expect.stringMatching(/:[\w.-]+$/)]);
    }
  });

  test('builds billing and the tools from this repository\'s Dockerfile, at stages that exist', () => {
    for (const name of ['billing-1', 'billing-2', 'companion', 'supergraph']) {
      const build = services[name]!.build!;
      const context = resolve(COMPOSE_DIR, build.context);
      expect(context).toBe(ROOT);
      expect(existsSync(join(context, build.dockerfile))).toBe(true);
      expect(dockerfileStages).toContain(build.target);
    }
    expect(services['billing-1']!.build!.target).toBe('runtime');
  });

  test('mounts only files and folders that exist, and named volumes that are declared', () => {
    let mounts = 0;
    for (const [name, service] of Object.entries(services)) {
      for (const volume of service.volumes ?? []) {
        const [source] = volume.split(':');
        mounts += 1;
        if (source!.startsWith('.') || isAbsolute(source!)) {
          expect([name, source, existsSync(resolve(COMPOSE_DIR, source!))]).toEqual([name, source, true]);
        } else {
          expect(Object.keys(compose.volumes ?? {})).toContain(source);
        }
      }
    }
    expect(mounts).toBeGreaterThan(6);
  });

  test('the router reads deploy/router/router.yaml and the composed supergraph, and gets every variable router.yaml needs', () => {
    const router = services.router!;
    const env = router.environment!;
    const mountOf = (target: string) => router.volumes!.find((v) => v.split(':')[1] === target)?.split(':')[0];
    expect(resolve(COMPOSE_DIR, mountOf(env.APOLLO_ROUTER_CONFIG_PATH!)!)).toBe(join(ROOT, 'deploy', 'router', 'router.yaml'));
    expect(resolve(COMPOSE_DIR, mountOf('/dist/rhai')!)).toBe(join(ROOT, 'deploy', 'router', 'rhai'));
    const supergraphDir = env.APOLLO_ROUTER_SUPERGRAPH_PATH!.replace(/\/[^/]+$/, '');
    expect(mountOf(supergraphDir)).toBe('supergraph');
    const written = services.supergraph!.command!.at(services.supergraph!.command!.indexOf('--out') + 1)!;
    expect(services.supergraph!.volumes).toContain(`supergraph:${written.replace(/\/[^/]+$/, '')}`);
    expect(written.split('/').at(-1)).toBe(env.APOLLO_ROUTER_SUPERGRAPH_PATH!.split('/').at(-1));
    // ${env.NAME} without a default in router.yaml must be set here, or the router will not start.
    const routerYaml = JSON.stringify(parse(readFileSync(join(ROOT, 'deploy', 'router', 'router.yaml'), 'utf8')));
    const required = [...routerYaml.matchAll(/\$\{env\.([A-Z_]+)\}/g)].map((m) => m[1]!);
    expect(required.length).toBeGreaterThan(0);
    for (const name of required) expect(Object.keys(env)).toContain(name);
    const jwks = env.ROUTER_JWKS_URL!.replace('file://', '');
    expect(resolve(COMPOSE_DIR, mountOf(jwks)!)).toBe(join(COMPOSE_DIR, 'jwks.json'));
  });

  test('the router sends billing the secret billing expects', () => {
    const secret = composeDefault(services.router!.environment!.BILLING_ROUTER_SECRET!);
    expect(secret.length).toBeGreaterThanOrEqual(16);
    for (const name of ['billing-1', 'billing-2']) expect(composeDefault(services[name]!.environment!.ROUTER_SECRET!)).toBe(secret);
    expect(composeDefault(services.supergraph!.environment!.BILLING_ROUTER_SECRET!)).toBe(secret);
  });

  test('both billing instances share Redis and answer to the one name the supergraph routes to', () => {
    const supergraph = parse(readFileSync(join(COMPOSE_DIR, 'supergraph.yaml'), 'utf8')) as {
      subgraphs: Record<string, { routing_url: string; schema: { subgraph_url?: string; file?: string } }>;
    };
    const billingHost = new URL(supergraph.subgraphs.billing!.routing_url).hostname;
    for (const name of ['billing-1', 'billing-2']) {
      const service = services[name]!;
      expect(service.networks?.default?.aliases).toContain(billingHost);
      expect(service.environment!.REDIS_URL).toBe('redis://redis:6379');
      expect((service.depends_on as Record<string, unknown>).redis).toEqual({ condition: 'service_healthy' });
    }
    expect(new URL(supergraph.subgraphs.billing!.schema.subgraph_url!).hostname).toBe('billing-1');
    expect(new URL(supergraph.subgraphs.companies!.routing_url).hostname).toBe('companion');
    expect(new URL(supergraph.subgraphs.companies!.routing_url).port).toBe(services.companion!.environment!.PORT);
    expect(existsSync(resolve(COMPOSE_DIR, supergraph.subgraphs.companies!.schema.file!))).toBe(true);
    const rover = parse(readFileSync(join(ROOT, 'rover.yaml'), 'utf8')) as { subgraphs: Record<string, unknown>; federation_version: string };
    expect(Object.keys(supergraph.subgraphs).sort()).toEqual(Object.keys(rover.subgraphs).sort());
  });

  test('Prometheus scrapes both instances\' /metrics as job billing-subgraph, the dashboard\'s default job', () => {
    const prometheus = parse(readFileSync(join(COMPOSE_DIR, 'prometheus.yml'), 'utf8')) as {
      scrape_configs: Array<{ job_name: string; metrics_path?: string; static_configs: Array<{ targets: string[] }> }>;
    };
    const job = prometheus.scrape_configs.find((c) => c.job_name === 'billing-subgraph');
    expect(job?.metrics_path ?? '/metrics').toBe('/metrics');
    expect(job?.static_configs.flatMap((c) => c.targets).sort()).toEqual(['billing-1:4001', 'billing-2:4001']);
    const dashboard = JSON.parse(readFileSync(join(ROOT, 'ops', 'grafana', 'billing-subgraph.json'), 'utf8')) as {
      templating: { list: Array<{ name: string; current?: { value: unknown } }> };
    };
    expect(dashboard.templating.list.find((v) => v.name === 'job')?.current?.value).toBe(job?.job_name);
  });

  test('Grafana gets the Prometheus data source and the dashboard folder, provisioned', () => {
    const grafana = services.grafana!;
    const mountOf = (source: string) => grafana.volumes!.find((v) => resolve(COMPOSE_DIR, v.split(':')[0]!) === source)?.split(':')[1];
    const provisioning = mountOf(join(COMPOSE_DIR, 'grafana', 'provisioning'));
    expect(provisioning).toBe('/etc/grafana/provisioning');
    const datasources = parse(readFileSync(join(COMPOSE_DIR, 'grafana', 'provisioning', 'datasources', 'prometheus.yaml'), 'utf8')) as {
      datasources: Array<{ type: string; url: string; isDefault: boolean }>;
    };
    expect(datasources.datasources).toEqual([expect.objectContaining({ type: 'prometheus', url: 'http://prometheus:9090', isDefault: true })]);
    const providers = parse(readFileSync(join(COMPOSE_DIR, 'grafana', 'provisioning', 'dashboards', 'billing-subgraph.yaml'), 'utf8')) as {
      providers: Array<{ type: string; options: { path: string } }>;
    };
    expect(providers.providers[0]?.options.path).toBe(mountOf(join(ROOT, 'ops', 'grafana')));
  });
});

describe('the commands the compose services run', () => {
  test('the companion service\'s command starts the companion subgraph on HOST and PORT', async () => {
    const [program, ...args] = services.companion!.command!;
    expect(program).toBe('node');
    const child = spawn(process.execPath, args, { cwd: ROOT, env: { PATH: process.env.PATH ?? '', HOST: '127.0.0.1', PORT: '0' } });
    try {
      const url = await new Promise<string>((done, fail) => {
        let out = '';
        const timer = setTimeout(() => fail(new Error(`no ready line: ${out}`)), 15_000);
        child.stdout.on('data', (chunk: Buffer) => {
          out += chunk.toString();
          const match = /ready at (\S+)/.exec(out);
          if (match) {
            clearTimeout(timer);
            done(match[1]!);
          }
        });
        child.on('exit', (code) => fail(new Error(`exited ${code}: ${out}`)));
      });
      const response = await request(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: '{ companies { id } }' }),
      });
      expect(((await response.body.json()) as { data: { companies: unknown[] } }).data.companies).toHaveLength(3);
    } finally {
      child.kill('SIGTERM');
    }
  });

  describe('scripts/supergraph.ts, as the supergraph service runs it', () => {
    let harness: Harness;
    const secret = 'compose-test-router-secret-01';
    beforeAll(async () => {
      harness = await startHarness({ env: { ROUTER_SECRET: secret, FEDERATION_AUTH_DIRECTIVES: 'false' } });
    });
    afterAll(async () => {
      await harness.close();
    });

    test('composes billing introspected with the router secret (no auth directives) and the companion from its file', async () => {
      // deploy/compose/supergraph.yaml with billing-1 replaced by the harness's address.
      const text = readFileSync(join(COMPOSE_DIR, 'supergraph.yaml'), 'utf8').replace('http://billing-1:4001/graphql', harness.url);
      const dir = mkdtempSync(join(tmpdir(), 'compose-supergraph-'));
      const path = join(dir, 'supergraph.yaml');
      writeFileSync(path, text.replace('../../test/', `${ROOT}/test/`));
      const previous = process.env.BILLING_ROUTER_SECRET;
      process.env.BILLING_ROUTER_SECRET = secret;
      try {
        const sdl = await composeRoverConfig(path);
        const document = parseGraphQL(sdl);
        expect(sdl).toContain('BILLING @join__graph(name: "billing", url: "http://billing:4001/graphql")');
        expect(sdl).toContain('COMPANIES @join__graph(name: "companies", url: "http://companion:4002/graphql")');
        expect(sdl).not.toContain('@authenticated');
        expect(document.definitions.length).toBeGreaterThan(10);
      } finally {
        if (previous === undefined) delete process.env.BILLING_ROUTER_SECRET;
        else process.env.BILLING_ROUTER_SECRET = previous;
      }
    });

    test('expands ${env.NAME} and ${env.NAME:-default} like rover, and refuses an unset variable', () => {
      expect(expandEnv('a ${env.X} b ${env.Y:-dflt}', { X: 'x' })).toBe('a x b dflt');
      expect(() => expandEnv('${env.MISSING}', {})).toThrow(/MISSING/);
    });
  });
});
