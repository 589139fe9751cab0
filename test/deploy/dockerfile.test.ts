import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import dockerignore from '@balena/dockerignore';
import { DockerfileParser, type Copy, type Instruction } from 'dockerfile-ast';
import { validate } from 'dockerfile-utils';
import { request } from 'undici';
import { loadConfig } from '../../src/config/config';
import { startHarness, type Harness } from '../support/harness';

// Docker cannot build on the test machines (no engine), so the Dockerfile is checked as text
// through a real parser, and the parts that can run without Docker (its health check command,
// the routes it names) run against the real app.
const ROOT = resolve(__dirname, '..', '..');
const TEXT = readFileSync(join(ROOT, 'Dockerfile'), 'utf8');
const dockerfile = DockerfileParser.parse(TEXT);

interface Stage {
  name: string | null;
  image: string | null;
  instructions: Instruction[];
}

/** The Dockerfile's stages in order, each with the instructions after its FROM. */
function stages(): Stage[] {
  const result: Stage[] = [];
  for (const instruction of dockerfile.getInstructions()) {
    if (instruction.getKeyword() === 'FROM') {
      const from = dockerfile.getFROMs().find((f) => f.getRange().start.line === instruction.getRange().start.line);
      result.push({ name: from?.getBuildStage() ?? null, image: from?.getImage() ?? null, instructions: [] });
    } else {
      result.at(-1)?.instructions.push(instruction);
    }
  }
  return result;
}

function stage(name: string): Stage {
  const found = stages().find((s) => s.name === name);
  if (!found) throw new Error(`no stage ${name}`);
  return found;
}

/** Instruction arguments as one line (continuations joined). */
function args(instruction: Instruction): string {
  return (instruction.getArgumentsContent() ?? '').replace(/\\\r?\n/g, ' ').replace(/\s+/g, ' ').trim();
}

/** COPY instructions as `--from=<stage> <args>` or `<args>` (dockerfile-ast keeps flags apart from arguments). */
function copies(s: Stage): string[] {
  return s.instructions
    .filter((i) => i.getKeyword() === 'COPY')
    .map((i) => {
      const from = (i as Copy).getFromFlag()?.getValue();
      return from ? `--from=${from} ${args(i)}` : args(i);
    });
}

function runs(s: Stage): string[] {
  return s.instructions.filter((i) => i.getKeyword() === 'RUN').map(args);
}

/** The HEALTHCHECK's exec-form command, as Docker would run it. */
function healthcheckCommand(): string[] {
  const checks = stage('runtime').instructions.filter((i) => i.getKeyword() === 'HEALTHCHECK');
  expect(checks).toHaveLength(1);
  const text = args(checks[0]!);
  const at = text.indexOf('CMD ');
  expect(at).toBeGreaterThan(-1);
  return JSON.parse(text.slice(at + 4)) as string[];
}

/** Runs the health check command with PORT set, the way the container's environment gives it. */
function runHealthcheck(port: number): Promise<number | null> {
  const [program, ...rest] = healthcheckCommand();
  expect(program).toBe('node');
  const child = spawn(process.execPath, rest, { env: { PATH: process.env.PATH ?? '', PORT: String(port) }, stdio: 'ignore' });
  return new Promise((done) => child.on('exit', (code) => done(code)));
}

/** A loopback port with nothing listening on it. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as { port: number };
  await new Promise((done) => server.close(done));
  return port;
}

describe('Dockerfile', () => {
  test('parses without a diagnostic from dockerfile-utils', () => {
    expect(validate(TEXT).map((d) => `${d.range.start.line + 1}: ${d.message}`)).toEqual([]);
  });

  test('has a build stage, a tools stage and, last, the runtime stage, all on node:22-bookworm-slim', () => {
    const all = stages();
    expect(all.map((s) => s.name)).toEqual(['build', 'tools', 'runtime']);
    expect(stage('build').image).toBe('node:22-bookworm-slim');
    expect(stage('tools').image).toBe('build');
    expect(all.at(-1)?.image).toBe('node:22-bookworm-slim');
  });

  test('build stage: the lockfile install with dev dependencies, then npm run build (the commands CI runs)', () => {
    const commands = runs(stage('build'));
    const install = commands.findIndex((c) => /^npm ci\b/.test(c));
    const build = commands.findIndex((c) => c === 'npm run build');
    expect(install).toBeGreaterThan(-1);
    expect(commands[install]).not.toMatch(/--omit|--production|--only/);
    expect(build).toBeGreaterThan(install);
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    expect(pkg.scripts.build).toBeDefined();
  });

  test('runtime stage: production dependencies only, the compiled code from the build stage, schema.graphql', () => {
    const runtime = stage('runtime');
    const commands = runs(runtime);
    expect(commands.some((c) => /\bnpm ci --omit=dev\b/.test(c))).toBe(true);
    expect(commands.some((c) => /\bnpm (install|i|run build)\b/.test(c))).toBe(false);
    const copied = copies(runtime);
    expect(copied).toContain('--from=build /app/dist ./dist');
    expect(copied.some((c) => /^schema\.graphql\s/.test(c))).toBe(true);
    expect(copied.some((c) => c.startsWith('package.json package-lock.json'))).toBe(true);
  });

  test('runtime stage: NODE_ENV=production, port 4001 exposed and the app\'s default, `node dist/main.js` under tini', () => {
    const runtime = stage('runtime');
    const env = runtime.instructions.filter((i) => i.getKeyword() === 'ENV').map(args).join(' ');
    expect(env).toMatch(/\bNODE_ENV=production\b/);
    expect(env).toMatch(/\bPORT=4001\b/);
    const expose = runtime.instructions.filter((i) => i.getKeyword() === 'EXPOSE').map(args);
    expect(expose).toEqual(['4001']);
    expect(loadConfig({}).port).toBe(4001);
    expect(runs(runtime).some((c) => /apt-get install .*\btini\b/.test(c))).toBe(true);
    const entrypoint = runtime.instructions.filter((i) => i.getKeyword() === 'ENTRYPOINT').map(args);
    expect(entrypoint.map((e) => JSON.parse(e) as string[])).toEqual([['/usr/bin/tini', '--']]);
    const cmd = runtime.instructions.filter((i) => i.getKeyword() === 'CMD').map(args);
    expect(cmd.map((c) => JSON.parse(c) as string[])).toEqual([['node', 'dist/main.js']]);
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { main: string };
    expect(pkg.main).toBe('dist/main.js');
  });

  test('every stage that runs something runs it as a numeric non-root user', () => {
    for (const name of ['tools', 'runtime']) {
      const users = stage(name).instructions.filter((i) => i.getKeyword() === 'USER').map(args);
      const last = users.at(-1);
      expect(last).toBeDefined();
      // Numeric, so Kubernetes' runAsNonRoot can verify it without /etc/passwd.
      expect(last).toMatch(/^\d+(:\d+)?$/);
      expect(Number(last!.split(':')[0])).toBeGreaterThan(0);
    }
  });

  test('every file the Dockerfile copies from the context exists and is not excluded by .dockerignore', () => {
    const ignore = dockerignore().add(readFileSync(join(ROOT, '.dockerignore'), 'utf8'));
    const sources = stages()
      .flatMap(copies)
      .filter((c) => !c.startsWith('--from='))
      .flatMap((c) => c.split(' ').slice(0, -1))
      .filter((source) => source !== '.');
    expect(sources.length).toBeGreaterThan(4);
    for (const source of sources) {
      expect(existsSync(join(ROOT, source))).toBe(true);
      expect([source, ignore.ignores(source)]).toEqual([source, false]);
    }
    expect(ignore.ignores('src/main.ts')).toBe(false);
  });

  test('.dockerignore keeps local state and secrets out of the build context', () => {
    const ignore = dockerignore().add(readFileSync(join(ROOT, '.dockerignore'), 'utf8'));
    for (const path of ['node_modules/x/index.js', 'dist/main.js', '.git/HEAD', '.env', '.env.local', 'accounts.yaml', 'accounts.prod.json', 'certs/tls.key', 'deploy/kubernetes/overlays/example/secrets.env']) {
      expect([path, ignore.ignores(path)]).toEqual([path, true]);
    }
    for (const path of ['accounts.example.yaml', 'test/federation/companion/companion.main.ts', 'scripts/supergraph.ts', 'deploy/compose/supergraph.yaml']) {
      expect([path, ignore.ignores(path)]).toEqual([path, false]);
    }
  });

  describe('HEALTHCHECK against the real app', () => {
    let harness: Harness;
    beforeAll(async () => {
      harness = await startHarness();
    });
    afterAll(async () => {
      await harness.close();
    });

    test('asks the liveness route, which the server answers with 200', async () => {
      const script = healthcheckCommand().join(' ');
      expect(script).toContain("path: '/healthz'");
      expect(harness.app.http.hasRoute({ method: 'GET', url: '/healthz' })).toBe(true);
      const response = await request(harness.url.replace('/graphql', '/healthz'));
      expect(response.statusCode).toBe(200);
      await response.body.dump();
    });

    test('exits 0 while the server answers on PORT, 1 when nothing listens there', async () => {
      const port = Number(new URL(harness.url).port);
      expect(await runHealthcheck(port)).toBe(0);
      expect(await runHealthcheck(await closedPort())).toBe(1);
    });
  });
});
