import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** What the fake saw of one request; the body is read whole before the handler runs. */
export interface RecordedRequest {
  readonly method: string;
  /** The request target as sent: path plus query string. */
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

/** Answers one request; `body` is the request body, already read. Not answering at all is allowed. */
export type FakeHandler = (req: IncomingMessage, res: ServerResponse, body: string) => void;

const notConfigured: FakeHandler = (_req, res) => {
  res.writeHead(599, { 'content-type': 'text/plain' });
  res.end('no handler set for this test');
};

/**
 * A real HTTP server on 127.0.0.1 with an ephemeral port, standing in for a provider.
 * Set `handler` per test; `requests`, `connections` and `lastRequest` record what arrived.
 */
export class UpstreamFake {
  handler: FakeHandler = notConfigured;
  requests = 0;
  connections = 0;
  lastRequest: RecordedRequest | undefined;

  readonly #server: Server;
  readonly #sockets = new Set<Socket>();

  private constructor(server: Server) {
    this.#server = server;
    server.on('connection', (socket: Socket) => {
      this.connections += 1;
      this.#sockets.add(socket);
      socket.once('close', () => this.#sockets.delete(socket));
    });
    server.on('request', (req: IncomingMessage, res: ServerResponse) => {
      this.requests += 1;
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        this.lastRequest = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body };
        this.handler(req, res, body);
      });
    });
  }

  /** Starts a fake on 127.0.0.1, port 0. */
  static async start(handler?: FakeHandler): Promise<UpstreamFake> {
    const server = createServer();
    const fake = new UpstreamFake(server);
    if (handler) fake.handler = handler;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
    return fake;
  }

  get port(): number {
    return (this.#server.address() as AddressInfo).port;
  }

  /** The origin, e.g. "http://127.0.0.1:41234". */
  get origin(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Clears the counters and the recorded request. */
  reset(): void {
    this.requests = 0;
    this.connections = 0;
    this.lastRequest = undefined;
  }

  /** Stops listening and destroys every connection, including ones with a response never sent. */
  async close(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.#server.close(() => resolve()));
    this.#server.closeAllConnections();
    for (const socket of this.#sockets) socket.destroy();
    await closed;
  }
}

/** A handler that answers with a fixed status, body and headers (JSON unless a content-type is given). */
export function reply(status: number, body: unknown, headers: Record<string, string> = {}): FakeHandler {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  return (_req, res) => {
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(text);
  };
}

/** A loopback port that nothing listens on: one a fake had, then gave back. */
export async function closedPort(): Promise<number> {
  const fake = await UpstreamFake.start();
  const { port } = fake;
  await fake.close();
  return port;
}
