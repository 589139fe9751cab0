// Hive Gateway (The Guild's federation gateway, from npm) in front of a composed supergraph,
// configured the way router.yaml configures Apollo Router for this subgraph: the end user's
// Authorization header is forwarded to billing, and the router secret is added to every
// request to billing. It accepts supergraphs with @authenticated/@requiresScopes, which
// @apollo/gateway refuses, so it can serve the SDL exactly as billing publishes it.
import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { createGatewayRuntime, type GatewayConfigBase } from '@graphql-hive/gateway-runtime';
// Passed explicitly: the runtime would otherwise import it by name at the first subgraph call,
// which fails ("Cannot find package") wherever it is not resolvable from the runtime's folder.
import * as httpTransport from '@graphql-mesh/transport-http';

/** How the gateway talks to one subgraph, like a `headers.subgraphs.<name>` block of router.yaml. */
export interface SubgraphHeaders {
  /** Forward the client's Authorization header (the end user's JWT). */
  readonly forwardAuthorization?: boolean;
  /** Headers added to every request, e.g. `{ 'router-authorization': secret }`. */
  readonly insert?: Readonly<Record<string, string>>;
}

/** Options of {@link startHiveGateway}. */
export interface HiveGatewayOptions {
  /** The composed supergraph; its @join__graph URLs are where subgraphs are called. */
  readonly supergraphSdl: string;
  readonly host?: string;
  /** 0 (the default) picks a free port. */
  readonly port?: number;
  /** Per subgraph name. */
  readonly subgraphs?: Readonly<Record<string, SubgraphHeaders>>;
  /** Hive Gateway's demand control (@cost/@listSize); off when not given. */
  readonly demandControl?: GatewayConfigBase<Record<string, unknown>>['demandControl'];
  /** Hive Gateway's own log output; off by default. */
  readonly logging?: GatewayConfigBase<Record<string, unknown>>['logging'];
}

/** A running gateway. */
export interface HiveGateway {
  /** e.g. http://127.0.0.1:4000/graphql */
  readonly url: string;
  readonly port: number;
  /** Stops listening, drops open connections and disposes of the subgraph transports. */
  close(): Promise<void>;
}

/** Starts Hive Gateway on node:http, serving the supergraph at /graphql. */
export async function startHiveGateway(options: HiveGatewayOptions): Promise<HiveGateway> {
  const subgraphs = options.subgraphs ?? {};
  const gateway = createGatewayRuntime({
    supergraph: options.supergraphSdl,
    logging: options.logging ?? false,
    transports: { http: httpTransport as never },
    ...(options.demandControl ? { demandControl: options.demandControl } : {}),
    propagateHeaders: {
      fromClientToSubgraphs: ({ request, subgraphName }) => {
        const rules = subgraphs[subgraphName];
        if (!rules) return {};
        const authorization = rules.forwardAuthorization ? request.headers.get('authorization') : null;
        return { ...(authorization ? { authorization } : {}), ...rules.insert };
      },
    },
  });
  const server: Server = createServer(gateway);
  const sockets = new Set<Socket>();
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const urlHost = host === '0.0.0.0' || host === '::' ? 'localhost' : host;
  return {
    url: `http://${urlHost}:${port}/graphql`,
    port,
    async close() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const socket of sockets) socket.destroy();
      await closed;
      await gateway.dispose();
    },
  };
}
