import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createDigidonarHandler } from './digidonar';
import { DIGIDONAR_DEMO_ACCOUNTS, SIMPSY_DEMO_ACCOUNTS, listSandboxAccounts } from './fixtures';
import type { SandboxAccount, SandboxProvider } from './fixtures';
import type { FakeHandler, FakeResponse } from './http';
import { SIMPSY_BASE_PATH, createSimpsyHandler } from './simpsy';

export interface SandboxOptions {
  /** Interface to listen on; 127.0.0.1 by default so the demo is never reachable from outside. */
  host?: string;
  /** Delay added to every response, for benchmarks. */
  latencyMs?: number;
}

export interface Sandbox {
  /** e.g. http://127.0.0.1:PORT (the client appends /api_v2/profile_billing_v2). */
  digidonarBaseUrl: string;
  /** e.g. http://127.0.0.1:PORT/api/v1 (the client appends /billing/details). */
  simpsyBaseUrl: string;
  accounts: readonly SandboxAccount[];
  /** Count of requests served, per provider, for tests; with `path` (e.g. "/billing/invoice"), only those whose path ends so. */
  requestCount(provider: SandboxProvider, path?: string): number;
  close(): Promise<void>;
}

const INTERNAL_ERROR: FakeResponse = { status: 500, body: { message: 'Internal sandbox error' } };

interface FakeServer {
  server: Server;
  served: (path?: string) => number;
}

function createFakeServer(handler: FakeHandler, latencyMs: number, pending: Set<NodeJS.Timeout>): FakeServer {
  let served = 0;
  const servedPaths = new Map<string, number>();

  const delay = (): Promise<void> =>
    new Promise((resolve) => {
      if (latencyMs <= 0) return resolve();
      const timer = setTimeout(() => {
        pending.delete(timer);
        resolve();
      }, latencyMs);
      pending.add(timer);
    });

  const write = (res: ServerResponse, response: FakeResponse): void => {
    // The client may have gone, or close() may have destroyed the socket during the delay.
    if (res.destroyed || res.writableEnded) return;
    const payload = JSON.stringify(response.body);
    res.writeHead(response.status, {
      'content-type': 'application/json; charset=utf-8',
      'content-length': String(Buffer.byteLength(payload)),
      ...response.headers,
    });
    res.end(payload);
  };

  const onRequest = (req: IncomingMessage, res: ServerResponse): void => {
    served += 1;
    // The base is a placeholder: only path and query of the request matter.
    const url = new URL(req.url ?? '/', 'http://sandbox.invalid');
    servedPaths.set(url.pathname, (servedPaths.get(url.pathname) ?? 0) + 1);
    const answer = handler(req, url).catch((): FakeResponse => INTERNAL_ERROR);
    // Latency runs alongside the work so latencyMs is the floor of the response time, not an addition.
    void Promise.all([answer, delay()]).then(([response]) => write(res, response));
  };

  // No 'error' or 'clientError' listener logs: Node's default for bad requests is a silent 400.
  const server = createServer(onRequest);
  const servedOn = (path: string) =>
    [...servedPaths].reduce((sum, [pathname, count]) => sum + (pathname.endsWith(path) ? count : 0), 0);
  return { server, served: (path) => (path === undefined ? served : servedOn(path)) };
}

function listen(server: Server, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (err: Error): void => reject(err);
    server.once('error', onError);
    server.listen(0, host, () => {
      server.off('error', onError);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    if (!server.listening) return resolve();
    // Errors are ignored on purpose: close() must always let the caller (and jest) finish.
    server.close(() => resolve());
    // Keep-alive sockets would otherwise hold close() open until they time out.
    server.closeAllConnections();
  });
}

function urlHost(host: string): string {
  return host.includes(':') ? `[${host}]` : host;
}

/** Starts fake Digidonar and Simpsy servers serving the demo accounts; call close() when done. */
export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const host = options.host ?? '127.0.0.1';
  const latencyMs = Math.max(0, options.latencyMs ?? 0);
  const pending = new Set<NodeJS.Timeout>();

  const digidonar = createFakeServer(createDigidonarHandler(DIGIDONAR_DEMO_ACCOUNTS), latencyMs, pending);
  const simpsy = createFakeServer(createSimpsyHandler(SIMPSY_DEMO_ACCOUNTS), latencyMs, pending);

  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= (async () => {
      for (const timer of pending) clearTimeout(timer);
      pending.clear();
      await Promise.all([closeServer(digidonar.server), closeServer(simpsy.server)]);
    })();
    return closing;
  };

  // allSettled, not all: on failure both listen() calls must have finished before close() runs,
  // or a server that starts late would be left open.
  const [digidonarPort, simpsyPort] = await Promise.allSettled([
    listen(digidonar.server, host),
    listen(simpsy.server, host),
  ]);
  if (digidonarPort.status === 'rejected' || simpsyPort.status === 'rejected') {
    await close();
    throw digidonarPort.status === 'rejected' ? digidonarPort.reason : (simpsyPort as PromiseRejectedResult).reason;
  }

  const base = `http://${urlHost(host)}`;
  return {
    digidonarBaseUrl: `${base}:${digidonarPort.value}`,
    simpsyBaseUrl: `${base}:${simpsyPort.value}${SIMPSY_BASE_PATH}`,
    accounts: listSandboxAccounts(),
    requestCount: (provider, path) => (provider === 'DIGIDONAR' ? digidonar.served(path) : simpsy.served(path)),
    close,
  };
}
