import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { DockerfileParser } from 'dockerfile-ast';
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { Namespace } from 'kubernetes-models/v1/Namespace';
import { Secret } from 'kubernetes-models/v1/Secret';
import { Service } from 'kubernetes-models/v1/Service';
import { request } from 'undici';
import { parseAllDocuments } from 'yaml';
import { loadAccountsFile } from '../../src/config/accounts-file';
import { loadConfig } from '../../src/config/config';
import { startHarness, type Harness } from '../support/harness';
import { renderKustomization, type K8sObject } from '../support/kustomize-lite';

const ROOT = resolve(__dirname, '..', '..');
const BASE = join(ROOT, 'deploy', 'kubernetes', 'base');
const OVERLAY = join(ROOT, 'deploy', 'kubernetes', 'overlays', 'example');

/**
 * kubectl when it can render these kustomizations (kustomize v4 or later: Debian's
 * kubernetes-client 1.20 embeds kustomize v2, which rejects `envs`), else null.
 */
function usableKubectl(): string | null {
  try {
    const out = execFileSync('kubectl', ['version', '--client', '-o', 'json'], { encoding: 'utf8', timeout: 30_000, stdio: ['ignore', 'pipe', 'ignore'] });
    const major = /^v(\d+)\./.exec((JSON.parse(out) as { kustomizeVersion?: string }).kustomizeVersion ?? '')?.[1];
    return major !== undefined && Number(major) >= 4 ? 'kubectl' : null;
  } catch {
    return null;
  }
}

const KUBECTL = usableKubectl();

function kubectlKustomize(dir: string): K8sObject[] {
  const out = execFileSync(KUBECTL!, ['kustomize', dir], { encoding: 'utf8', timeout: 60_000, stdio: ['ignore', 'pipe', 'pipe'] });
  return parseAllDocuments(out).map((d) => d.toJS() as K8sObject);
}

/** What a cluster would receive: kubectl's rendering where it can, the stand-in's elsewhere. */
function render(dir: string): K8sObject[] {
  return KUBECTL ? kubectlKustomize(dir) : renderKustomization(dir);
}

const byKey = (objects: K8sObject[]) =>
  [...objects].sort((a, b) => `${a.kind}/${a.metadata.name}`.localeCompare(`${b.kind}/${b.metadata.name}`));

/** One offline schema per kind the manifests use; any other kind fails the test. */
const MODELS: Record<string, { new (data: never): { validate(): void } }> = {
  'apps/v1/Deployment': Deployment,
  'autoscaling/v2/HorizontalPodAutoscaler': HorizontalPodAutoscaler,
  'policy/v1/PodDisruptionBudget': PodDisruptionBudget,
  'v1/ConfigMap': ConfigMap,
  'v1/Namespace': Namespace,
  'v1/Secret': Secret,
  'v1/Service': Service,
};

function validateObject(object: K8sObject): void {
  const Model = MODELS[`${object.apiVersion}/${object.kind}`];
  if (!Model) throw new Error(`no schema for ${object.apiVersion} ${object.kind}`);
  // kustomize wraps long Secret values at 70 characters; the API server's base64 decoder (Go's)
  // skips the newlines, the schema's "byte" format does not.
  const data = object.kind === 'Secret' ? unwrapped(object.data as Record<string, string>) : object.data;
  new Model({ ...object, ...(data ? { data } : {}) } as never).validate();
}

type Probe = { httpGet: { path: string; port: string | number } };
type Container = {
  name: string;
  image: string;
  ports: Array<{ name: string; containerPort: number }>;
  env: Array<{ name: string; value?: string }>;
  envFrom: Array<{ configMapRef?: { name: string }; secretRef?: { name: string } }>;
  startupProbe: Probe & { periodSeconds: number; failureThreshold: number };
  readinessProbe: Probe & { periodSeconds: number; failureThreshold: number };
  livenessProbe: Probe;
  resources: { requests: Record<string, string>; limits: Record<string, string> };
  securityContext: Record<string, unknown> & { capabilities: { drop: string[] } };
  volumeMounts: Array<{ name: string; mountPath: string; readOnly?: boolean }>;
};
type PodSpec = {
  terminationGracePeriodSeconds: number;
  securityContext: Record<string, unknown> & { seccompProfile: { type: string } };
  topologySpreadConstraints: Array<{ topologyKey: string; labelSelector: { matchLabels: Record<string, string> } }>;
  containers: Container[];
  volumes: Array<{ name: string; secret?: { secretName: string; items: Array<{ key: string; path: string }> }; emptyDir?: unknown }>;
};

function find(objects: K8sObject[], kind: string, prefix = 'billing-subgraph'): K8sObject & Record<string, any> {
  const found = objects.filter((o) => o.kind === kind && o.metadata.name.startsWith(prefix));
  expect(found.map((o) => `${o.kind}/${o.metadata.name}`)).toHaveLength(1);
  return found[0] as K8sObject & Record<string, any>;
}

function podSpec(objects: K8sObject[]): PodSpec {
  return find(objects, 'Deployment').spec.template.spec as PodSpec;
}

function container(objects: K8sObject[]): Container {
  const containers = podSpec(objects).containers;
  expect(containers).toHaveLength(1);
  return containers[0]!;
}

function env(objects: K8sObject[], name: string): string | undefined {
  return container(objects).env.find((e) => e.name === name)?.value;
}

function unwrapped(data: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(data).map(([key, value]) => [key, value.replace(/\n/g, '')]));
}

function decode(secret: K8sObject): Record<string, string> {
  return Object.fromEntries(
    Object.entries(unwrapped(secret.data as Record<string, string>)).map(([key, value]) => [key, Buffer.from(value, 'base64').toString('utf8')]),
  );
}

/** Every literal `NAME` in src/ (and the names other changes to src/ add beside this one). */
function namesTheAppReads(): Set<string> {
  const names = new Set<string>();
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith('.ts')) for (const m of readFileSync(path, 'utf8').matchAll(/\b[A-Z][A-Z0-9_]{2,}\b/g)) names.add(m[0]);
    }
  };
  walk(join(ROOT, 'src'));
  return names;
}

describe.each([
  ['base', BASE],
  ['overlays/example', OVERLAY],
])('deploy/kubernetes/%s', (_name, dir) => {
  const objects = render(dir);

  test('renders, and every object is valid against the Kubernetes schemas (kubernetes-models, offline)', () => {
    expect(objects.length).toBeGreaterThanOrEqual(5);
    for (const object of objects) {
      expect(() => validateObject(object)).not.toThrow();
    }
  });

  (KUBECTL ? test : test.skip)('the kustomize stand-in renders exactly what kubectl kustomize renders', () => {
    expect(byKey(renderKustomization(dir))).toEqual(byKey(kubectlKustomize(dir)));
  });

  test('has a Deployment, a Service, a PodDisruptionBudget, an autoscaling/v2 HorizontalPodAutoscaler and its ConfigMap', () => {
    expect(objects.map((o) => o.kind).sort()).toEqual(
      expect.arrayContaining(['ConfigMap', 'Deployment', 'HorizontalPodAutoscaler', 'PodDisruptionBudget', 'Service']),
    );
    expect(find(objects, 'HorizontalPodAutoscaler').apiVersion).toBe('autoscaling/v2');
  });

  test('3 replicas, spread across nodes, with requests and limits', () => {
    const deployment = find(objects, 'Deployment');
    expect(deployment.spec.replicas).toBe(3);
    const labels = deployment.spec.template.metadata.labels as Record<string, string>;
    const spread = podSpec(objects).topologySpreadConstraints.find((c) => c.topologyKey === 'kubernetes.io/hostname');
    expect(spread).toBeDefined();
    expect(labels).toMatchObject(spread!.labelSelector.matchLabels);
    const { resources } = container(objects);
    for (const kind of ['requests', 'limits'] as const) {
      expect(Object.keys(resources[kind]).sort()).toEqual(['cpu', 'memory']);
    }
  });

  test('locked down: non-root, no privilege escalation, read-only root filesystem, no capabilities, RuntimeDefault seccomp', () => {
    const pod = podSpec(objects);
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
    expect(pod.securityContext.runAsUser).toBeGreaterThan(0);
    expect(container(objects).securityContext).toMatchObject({
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      runAsNonRoot: true,
      capabilities: { drop: ['ALL'] },
    });
    // The image's USER is the same numeric user.
    const users = DockerfileParser.parse(readFileSync(join(ROOT, 'Dockerfile'), 'utf8'))
      .getInstructions()
      .filter((i) => i.getKeyword() === 'USER')
      .map((i) => i.getArgumentsContent());
    expect(users.at(-1)).toBe(`${String(pod.securityContext.runAsUser)}:${String(pod.securityContext.runAsGroup)}`);
  });

  test('probes: startup and liveness on /healthz, readiness on /readyz, on the port the image exposes and the app listens on', () => {
    const c = container(objects);
    expect(c.startupProbe.httpGet.path).toBe('/healthz');
    expect(c.livenessProbe.httpGet.path).toBe('/healthz');
    expect(c.readinessProbe.httpGet.path).toBe('/readyz');
    const http = c.ports.find((p) => p.name === 'http');
    for (const probe of [c.startupProbe, c.livenessProbe, c.readinessProbe]) expect(probe.httpGet.port).toBe('http');
    expect(http?.containerPort).toBe(4001);
    expect(env(objects, 'PORT')).toBe(String(http?.containerPort));
    const exposed = DockerfileParser.parse(readFileSync(join(ROOT, 'Dockerfile'), 'utf8'))
      .getInstructions()
      .filter((i) => i.getKeyword() === 'EXPOSE')
      .map((i) => Number(i.getArgumentsContent()));
    expect(exposed).toEqual([http?.containerPort]);
    const service = find(objects, 'Service');
    expect(service.spec.ports).toEqual([expect.objectContaining({ name: 'http', targetPort: 'http' })]);
    expect(find(objects, 'Deployment').spec.template.metadata.labels).toMatchObject(service.spec.selector);
  });

  test('shutdown: the kubelet waits longer than the drain delay plus SHUTDOWN_TIMEOUT_MS; readiness turns within the drain', () => {
    const drainMs = Number(env(objects, 'SHUTDOWN_DRAIN_DELAY_MS'));
    const timeoutMs = Number(env(objects, 'SHUTDOWN_TIMEOUT_MS'));
    // The subgraph's own defaults, so running the image without this manifest behaves the same.
    expect(drainMs).toBe(5000);
    expect(timeoutMs).toBe(loadConfig({}).shutdownTimeoutMs);
    expect(podSpec(objects).terminationGracePeriodSeconds * 1000).toBeGreaterThan(drainMs + timeoutMs);
    const { readinessProbe } = container(objects);
    expect(readinessProbe.periodSeconds * readinessProbe.failureThreshold * 1000).toBeLessThanOrEqual(drainMs);
  });

  test('production settings: NODE_ENV=production, accounts file mounted read-only from a Secret where ACCOUNTS_FILE says', () => {
    expect(env(objects, 'NODE_ENV')).toBe('production');
    const accountsFile = env(objects, 'ACCOUNTS_FILE')!;
    const c = container(objects);
    const mount = c.volumeMounts.find((m) => accountsFile.startsWith(`${m.mountPath}/`));
    expect(mount?.readOnly).toBe(true);
    const volume = podSpec(objects).volumes.find((v) => v.name === mount?.name);
    expect(volume?.secret?.items).toEqual([{ key: 'accounts.yaml', path: accountsFile.slice(mount!.mountPath.length + 1) }]);
    // A read-only root filesystem still has a writable /tmp.
    expect(c.volumeMounts.find((m) => m.mountPath === '/tmp')).toBeDefined();
  });

  test('secrets and Redis come from a Secret and the ConfigMap, by name', () => {
    const c = container(objects);
    const configMap = find(objects, 'ConfigMap');
    expect(c.envFrom.map((source) => source.configMapRef?.name ?? source.secretRef?.name)).toEqual([
      configMap.metadata.name,
      expect.stringMatching(/^billing-subgraph-secrets/),
    ]);
    const data = configMap.data as Record<string, string>;
    expect(Boolean(data.REDIS_URL) !== Boolean(data.REDIS_CLUSTER_NODES)).toBe(true);
    // Values that change the pod's shape stay in the Deployment, where the probes and grace period are.
    for (const key of ['PORT', 'SHUTDOWN_DRAIN_DELAY_MS', 'SHUTDOWN_TIMEOUT_MS', 'NODE_ENV']) expect(data[key]).toBeUndefined();
  });

  test('every variable the manifests set is one the app reads', () => {
    const known = namesTheAppReads();
    const names = [
      ...container(objects).env.map((e) => e.name),
      ...Object.keys(find(objects, 'ConfigMap').data as Record<string, string>),
    ];
    const unknown = names.filter((name) => !known.has(name) && !name.startsWith('OTEL_'));
    expect(unknown).toEqual([]);
  });

  test('the PodDisruptionBudget and the autoscaler aim at these pods, and leave the minimum running', () => {
    const labels = find(objects, 'Deployment').spec.template.metadata.labels as Record<string, string>;
    const pdb = find(objects, 'PodDisruptionBudget');
    expect(labels).toMatchObject(pdb.spec.selector.matchLabels);
    const hpa = find(objects, 'HorizontalPodAutoscaler');
    expect(hpa.spec.scaleTargetRef).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name: find(objects, 'Deployment').metadata.name });
    expect(hpa.spec.minReplicas).toBe(find(objects, 'Deployment').spec.replicas);
    expect(pdb.spec.maxUnavailable).toBeLessThan(hpa.spec.minReplicas);
  });
});

describe('overlays/example', () => {
  const objects = render(OVERLAY);

  test('every ConfigMap and Secret the pods name exists in the rendering (hash suffixes included)', () => {
    const c = container(objects);
    const names = new Set(objects.map((o) => `${o.kind}/${o.metadata.name}`));
    for (const source of c.envFrom) {
      if (source.configMapRef) expect(names).toContain(`ConfigMap/${source.configMapRef.name}`);
      if (source.secretRef) expect(names).toContain(`Secret/${source.secretRef.name}`);
    }
    for (const volume of podSpec(objects).volumes) if (volume.secret) expect(names).toContain(`Secret/${volume.secret.secretName}`);
  });

  test('puts everything in one namespace that enforces the restricted Pod Security Standard', () => {
    const namespace = find(objects, 'Namespace', 'billing');
    expect(namespace.metadata.labels).toMatchObject({ 'pod-security.kubernetes.io/enforce': 'restricted' });
    for (const object of objects.filter((o) => o.kind !== 'Namespace')) expect(object.metadata.namespace).toBe(namespace.metadata.name);
  });

  test('secrets are placeholders, and the subgraph refuses to start with them', () => {
    const secrets = decode(find(objects, 'Secret', 'billing-subgraph-secrets'));
    expect(Object.keys(secrets)).toEqual(expect.arrayContaining(['ROUTER_SECRET', 'CACHE_KEY_SECRET']));
    for (const value of Object.values(secrets)) expect(value).toBe('REPLACE_ME');
    expect(() => loadConfig({ NODE_ENV: 'production', ROUTER_SECRET: secrets.ROUTER_SECRET, ACCOUNTS_FILE: '/dev/null' })).toThrow(/ROUTER_SECRET/);
    // CACHE_KEY_SECRET needs 32 characters or more.
    expect(secrets.CACHE_KEY_SECRET!.length).toBeLessThan(32);
  });

  test('the accounts file is one the subgraph loads, with its secrets named from the Secret, keys as placeholders', () => {
    const secrets = decode(find(objects, 'Secret', 'billing-subgraph-secrets'));
    const accounts = decode(find(objects, 'Secret', 'billing-subgraph-accounts'))['accounts.yaml']!;
    const path = join(mkdtempSync(join(tmpdir(), 'billing-overlay-')), 'accounts.yaml');
    writeFileSync(path, accounts);
    const previous = { ...process.env };
    Object.assign(process.env, secrets);
    try {
      const entries = loadAccountsFile(path);
      expect(entries.length).toBeGreaterThan(0);
      for (const entry of entries) {
        expect(entry.key.reveal()).toBe('REPLACE_ME');
        expect(entry.secret.reveal()).toBe('REPLACE_ME');
      }
    } finally {
      for (const key of Object.keys(secrets)) if (!(key in previous)) delete process.env[key];
    }
    // Every ${NAME} the file uses is in the Secret, so the pods never start with one missing.
    const values = JSON.stringify(parseAllDocuments(accounts)[0]?.toJS());
    const referenced = [...values.matchAll(/\$\{([A-Z0-9_]+)\}/g)].map((m) => m[1]);
    expect(referenced.length).toBeGreaterThan(0);
    for (const name of referenced) expect(Object.keys(secrets)).toContain(name);
  });

  test('the image is set by the overlay, not left as the base\'s bare name', () => {
    expect(container(objects).image).toMatch(/^[a-z0-9.-]+\/.+:[\w.-]+$/);
  });
});

describe('the probes against the running app', () => {
  let harness: Harness;
  beforeAll(async () => {
    harness = await startHarness();
  });
  afterAll(async () => {
    await harness.close();
  });

  test.each(['/healthz', '/readyz'])('%s is a route of the server and answers 200', async (path) => {
    expect(harness.app.http.hasRoute({ method: 'GET', url: path })).toBe(true);
    const response = await request(harness.url.replace('/graphql', path));
    expect(response.statusCode).toBe(200);
    await response.body.dump();
  });

  test('every probe path in the Deployment is one of them', () => {
    const c = container(render(BASE));
    for (const probe of [c.startupProbe, c.livenessProbe, c.readinessProbe]) {
      expect(harness.app.http.hasRoute({ method: 'GET', url: probe.httpGet.path })).toBe(true);
    }
  });
});

describe('the offline schema check has teeth', () => {
  test('a Deployment with a wrongly typed field fails validation', () => {
    const deployment = find(renderKustomization(BASE), 'Deployment');
    const broken = structuredClone(deployment);
    broken.spec.template.spec.containers[0].ports[0].containerPort = 'http';
    expect(() => validateObject(broken)).toThrow(/containerPort/);
    expect(() => validateObject({ apiVersion: 'v1', kind: 'Unknown', metadata: { name: 'x' } })).toThrow(/no schema/);
  });
});
