import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { parseAllDocuments } from 'yaml';

/**
 * A small stand-in for `kubectl kustomize`, for machines without kubectl (or with one whose
 * kustomize predates v4). It renders exactly the subset deploy/kubernetes uses, and throws on
 * any other kustomization field rather than ignore it:
 *   resources (files and directories), namespace, images, configMapGenerator and
 *   secretGenerator (literals, files, envs; behavior create/merge/replace), generatorOptions
 *   (disableNameSuffixHash), and the renaming of generated ConfigMaps/Secrets where pods use them.
 * Generated names carry kustomize's own content hash (sha256 of the Go JSON encoding of kind,
 * data [and type] and an empty name, first 10 hex digits with 0,1,3,a,e replaced). When kubectl is there,
 * test/deploy/kubernetes.test.ts checks that both render the same objects.
 */

/** A Kubernetes object as YAML gives it. */
export type K8sObject = {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; [key: string]: unknown };
  [key: string]: unknown;
};

interface Generator {
  name: string;
  behavior?: 'create' | 'merge' | 'replace';
  literals?: string[];
  files?: string[];
  envs?: string[];
  type?: string;
  options?: { disableNameSuffixHash?: boolean };
}

interface Kustomization {
  apiVersion?: string;
  kind?: string;
  resources?: string[];
  namespace?: string;
  images?: Array<{ name: string; newName?: string; newTag?: string; digest?: string }>;
  configMapGenerator?: Generator[];
  secretGenerator?: Generator[];
  generatorOptions?: { disableNameSuffixHash?: boolean };
}

const SUPPORTED = new Set(['apiVersion', 'kind', 'resources', 'namespace', 'images', 'configMapGenerator', 'secretGenerator', 'generatorOptions']);
const GENERATOR_FIELDS = new Set(['name', 'behavior', 'literals', 'files', 'envs', 'type', 'options']);
const CLUSTER_SCOPED = new Set([
  'Namespace', 'ClusterRole', 'ClusterRoleBinding', 'CustomResourceDefinition', 'PersistentVolume',
  'StorageClass', 'PriorityClass', 'IngressClass', 'RuntimeClass', 'ValidatingWebhookConfiguration',
  'MutatingWebhookConfiguration', 'APIService',
]);

/** A generated object before hashing, with what is needed to rename its users. */
interface Generated {
  object: K8sObject;
  hash: boolean;
}

function readKustomization(dir: string): Kustomization {
  const file = ['kustomization.yaml', 'kustomization.yml', 'Kustomization'].map((name) => join(dir, name)).find((path) => existsSync(path));
  if (!file) throw new Error(`kustomize-lite: no kustomization file in ${dir}`);
  const kustomization = parseYamlDocuments(readFileSync(file, 'utf8'), file)[0] as unknown as Kustomization;
  for (const key of Object.keys(kustomization)) {
    if (!SUPPORTED.has(key)) throw new Error(`kustomize-lite: ${file}: field "${key}" is not supported; use kubectl kustomize`);
  }
  for (const generator of [...(kustomization.configMapGenerator ?? []), ...(kustomization.secretGenerator ?? [])]) {
    for (const key of Object.keys(generator)) {
      if (!GENERATOR_FIELDS.has(key)) throw new Error(`kustomize-lite: ${file}: generator field "${key}" is not supported`);
    }
  }
  return kustomization;
}

function parseYamlDocuments(text: string, file: string): Array<Record<string, unknown>> {
  return parseAllDocuments(text)
    .map((document) => {
      if (document.errors.length > 0) throw new Error(`kustomize-lite: ${file}: ${document.errors[0]?.message}`);
      return document.toJS() as Record<string, unknown> | null;
    })
    .filter((value): value is Record<string, unknown> => value !== null);
}

function render(dir: string): Generated[] {
  const kustomization = readKustomization(dir);
  const entries: Generated[] = [];
  for (const resource of kustomization.resources ?? []) {
    const path = resolve(dir, resource);
    if (statSync(path).isDirectory()) {
      entries.push(...render(path));
    } else {
      for (const object of parseYamlDocuments(readFileSync(path, 'utf8'), path)) entries.push({ object: object as K8sObject, hash: false });
    }
  }
  const defaults = kustomization.generatorOptions ?? {};
  for (const [kind, generators] of [
    ['ConfigMap', kustomization.configMapGenerator ?? []],
    ['Secret', kustomization.secretGenerator ?? []],
  ] as const) {
    for (const generator of generators) applyGenerator(entries, kind, generator, dir, defaults);
  }
  for (const { object } of entries) {
    if (kustomization.namespace && !CLUSTER_SCOPED.has(object.kind)) object.metadata.namespace = kustomization.namespace;
    for (const image of kustomization.images ?? []) setImages(object, image);
  }
  // Only the outermost kustomization names and references generated objects: every layer's
  // objects are known by then.
  return entries;
}

function applyGenerator(
  entries: Generated[],
  kind: 'ConfigMap' | 'Secret',
  generator: Generator,
  dir: string,
  defaults: { disableNameSuffixHash?: boolean },
): void {
  const data = generatorData(generator, dir);
  const hash = !(generator.options?.disableNameSuffixHash ?? defaults.disableNameSuffixHash ?? false);
  const existing = entries.find((entry) => entry.object.kind === kind && entry.object.metadata.name === generator.name);
  const behavior = generator.behavior ?? 'create';
  if (behavior === 'create') {
    if (existing) throw new Error(`kustomize-lite: ${kind} ${generator.name} already exists; use behavior merge or replace`);
    const object: K8sObject =
      kind === 'ConfigMap'
        ? { apiVersion: 'v1', kind, metadata: { name: generator.name }, data }
        : { apiVersion: 'v1', kind, metadata: { name: generator.name }, type: generator.type ?? 'Opaque', data: base64Values(data) };
    entries.push({ object, hash });
    return;
  }
  if (!existing) throw new Error(`kustomize-lite: ${kind} ${generator.name} to ${behavior} does not exist`);
  const incoming = kind === 'Secret' ? base64Values(data) : data;
  const current = (existing.object.data ?? {}) as Record<string, string>;
  existing.object.data = behavior === 'merge' ? { ...current, ...incoming } : incoming;
  existing.hash = existing.hash && hash;
}

function generatorData(generator: Generator, dir: string): Record<string, string> {
  const data: Record<string, string> = {};
  const put = (key: string, value: string, from: string) => {
    if (!/^[-._a-zA-Z0-9]+$/.test(key)) throw new Error(`kustomize-lite: ${from}: "${key}" is not a valid key`);
    if (key in data) throw new Error(`kustomize-lite: ${from}: key ${key} given twice`);
    data[key] = value;
  };
  for (const literal of generator.literals ?? []) {
    const at = literal.indexOf('=');
    if (at <= 0) throw new Error(`kustomize-lite: literal "${literal}" is not KEY=VALUE`);
    const value = literal.slice(at + 1);
    if (/^(["']).*\1$/.test(value)) throw new Error(`kustomize-lite: quoted literal values are not supported (${literal.slice(0, at)})`);
    put(literal.slice(0, at), value, generator.name);
  }
  for (const file of generator.files ?? []) {
    const at = file.indexOf('=');
    const [key, path] = at === -1 ? [basename(file), file] : [file.slice(0, at), file.slice(at + 1)];
    put(key, readFileSync(resolve(dir, path), 'utf8'), file);
  }
  for (const envFile of generator.envs ?? []) {
    for (const raw of readFileSync(resolve(dir, envFile), 'utf8').split('\n')) {
      const line = raw.trim();
      if (line === '' || line.startsWith('#')) continue;
      const at = line.indexOf('=');
      // kustomize reads a bare KEY from its own environment: never wanted for a secret.
      if (at <= 0) throw new Error(`kustomize-lite: ${envFile}: "${line}" is not KEY=VALUE`);
      put(line.slice(0, at), line.slice(at + 1), envFile);
    }
  }
  return data;
}

/** Base64 as kustomize writes Secret data (kyaml encodeBase64): 70-character lines, each ending in \n once there are two or more. */
function base64Values(data: Record<string, string>): Record<string, string> {
  const encode = (value: string) => {
    const encoded = Buffer.from(value, 'utf8').toString('base64');
    if (encoded.length < 70) return encoded;
    return (encoded.match(/.{1,70}/g) ?? []).map((line) => `${line}\n`).join('');
  };
  return Object.fromEntries(Object.entries(data).map(([key, value]) => [key, encode(value)]));
}

function setImages(object: K8sObject, image: { name: string; newName?: string; newTag?: string; digest?: string }): void {
  for (const container of podContainers(object)) {
    const match = /^(.*?)(:[^:/@]+)?(@.+)?$/.exec(String(container.image ?? ''));
    if (!match || match[1] !== image.name) continue;
    const suffix = image.digest ? `@${image.digest}` : image.newTag !== undefined ? `:${image.newTag}` : `${match[2] ?? ''}${match[3] ?? ''}`;
    container.image = `${image.newName ?? match[1]}${suffix}`;
  }
}

function podSpec(object: K8sObject): Record<string, unknown> | null {
  const spec = object.spec as Record<string, unknown> | undefined;
  if (!spec) return null;
  if (object.kind === 'Pod') return spec;
  const template = spec.template as { spec?: Record<string, unknown> } | undefined;
  if (template?.spec) return template.spec;
  const jobTemplate = spec.jobTemplate as { spec?: { template?: { spec?: Record<string, unknown> } } } | undefined;
  return jobTemplate?.spec?.template?.spec ?? null;
}

function podContainers(object: K8sObject): Array<Record<string, unknown>> {
  const spec = podSpec(object);
  if (!spec) return [];
  return [...((spec.initContainers as Array<Record<string, unknown>>) ?? []), ...((spec.containers as Array<Record<string, unknown>>) ?? [])];
}

/** kustomize's name suffix: sha256 over Go's JSON (sorted keys, <>& escaped), 10 hex digits re-spelled. */
export function kustomizeHash(object: K8sObject): string {
  // kustomize looks the name up as one field literally called "metadata/name", finds none, and
  // hashes "" (api/hasher/hasher.go): the suffix depends on the content alone.
  const encoded: Record<string, unknown> = { kind: object.kind, name: '', data: object.data ?? '' };
  if (object.kind === 'Secret') encoded.type = object.type ?? '';
  const json = goJson(encoded);
  const hex = createHash('sha256').update(json, 'utf8').digest('hex');
  const respell: Record<string, string> = { '0': 'g', '1': 'h', '3': 'k', a: 'm', e: 't' };
  return [...hex.slice(0, 10)].map((c) => respell[c] ?? c).join('');
}

/** JSON as Go's encoding/json writes it: map keys sorted, HTML characters and U+2028/9 escaped. */
function goJson(value: unknown): string {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    const entries = Object.keys(value as Record<string, unknown>)
      .sort()
      .map((key) => `${goJson(key)}:${goJson((value as Record<string, unknown>)[key])}`);
    return `{${entries.join(',')}}`;
  }
  if (Array.isArray(value)) return `[${value.map(goJson).join(',')}]`;
  return JSON.stringify(value).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** Adds hash suffixes to generated objects and points pod specs at the new names. */
function finish(entries: Generated[]): K8sObject[] {
  const renamed = new Map<string, string>();
  for (const { object, hash } of entries) {
    if (!hash) continue;
    const name = `${object.metadata.name}-${kustomizeHash(object)}`;
    renamed.set(`${object.kind}/${object.metadata.name}`, name);
    object.metadata.name = name;
  }
  const rename = (kind: string, name: unknown) => renamed.get(`${kind}/${String(name)}`) ?? name;
  for (const { object } of entries) {
    const spec = podSpec(object);
    if (!spec) continue;
    for (const container of podContainers(object)) {
      for (const source of (container.envFrom as Array<Record<string, { name?: string }>>) ?? []) {
        if (source.configMapRef) source.configMapRef.name = rename('ConfigMap', source.configMapRef.name) as string;
        if (source.secretRef) source.secretRef.name = rename('Secret', source.secretRef.name) as string;
      }
      for (const variable of (container.env as Array<{ valueFrom?: Record<string, { name?: string }> }>) ?? []) {
        const from = variable.valueFrom;
        if (from?.configMapKeyRef) from.configMapKeyRef.name = rename('ConfigMap', from.configMapKeyRef.name) as string;
        if (from?.secretKeyRef) from.secretKeyRef.name = rename('Secret', from.secretKeyRef.name) as string;
      }
    }
    for (const volume of (spec.volumes as Array<Record<string, Record<string, unknown>>>) ?? []) {
      if (volume.configMap) volume.configMap.name = rename('ConfigMap', volume.configMap.name);
      if (volume.secret) volume.secret.secretName = rename('Secret', volume.secret.secretName);
      for (const source of (volume.projected?.sources as Array<Record<string, { name?: string }>>) ?? []) {
        if (source.configMap) source.configMap.name = rename('ConfigMap', source.configMap.name) as string;
        if (source.secret) source.secret.name = rename('Secret', source.secret.name) as string;
      }
    }
  }
  return entries.map((entry) => entry.object);
}

/** Renders a kustomization directory into its objects (the order is not kustomize's). */
export function renderKustomization(dir: string): K8sObject[] {
  return finish(render(resolve(dir)));
}
