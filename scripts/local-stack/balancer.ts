// A load balancer for the local stack: one address in front of several billing instances, as a
// Kubernetes Service or a compose service name is in a deployment, so the gateway knows one
// billing URL. undici's BalancedPool spreads requests over the upstreams (round robin, skipping
// upstreams that fail); this file only carries requests and answers through.
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { pipeline } from 'node:stream/promises';
import { BalancedPool } from 'undici';

/** Hop-by-hop headers: they describe one connection, not the request, and undici refuses them. */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'upgrade', 'expect', 'host', 'proxy-connection', 'te', 'trailer']);

const endToEnd = (headers: IncomingHttpHeaders | Record<string, string | string[] | undefined>) =>
  Object.fromEntries(
    Object.entries(headers).filter(
      (entry): entry is [string, string | string[]] => entry[1] !== undefined && !HOP_BY_HOP.has(entry[0].toLowerCase()),
    ),
  );

/** A running balancer. */
export interface Balancer {
  /** e.g. http://127.0.0.1:PORT (no path: requests keep theirs). */
  readonly origin: string;
  close(): Promise<void>;
}

/** Starts a balancer on 127.0.0.1 and a free port, in front of `upstreams` (origins). */
export async function startBalancer(upstreams: readonly string[]): Promise<Balancer> {
  const pool = new BalancedPool([...upstreams], { headersTimeout: 30_000, bodyTimeout: 30_000 });
  const server: Server = createServer(async (request, response) => {
    try {
      const hasBody = request.method !== 'GET' && request.method !== 'HEAD';
      const upstream = await pool.request({
        path: request.url ?? '/',
        method: (request.method ?? 'GET') as 'GET',
        headers: endToEnd(request.headers),
        body: hasBody ? request : null,
      });
      response.writeHead(upstream.statusCode, endToEnd(upstream.headers));
      await pipeline(upstream.body, response);
    } catch {
      // Every upstream refused or broke: what a load balancer answers then.
      if (!response.headersSent) response.writeHead(502, { 'content-type': 'text/plain' });
      response.end('bad gateway: no billing instance answered\n');
    }
  });
  const sockets = new Set<Socket>();
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    async close() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const socket of sockets) socket.destroy();
      await closed;
      await pool.close();
    },
  };
}
