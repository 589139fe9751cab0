import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { FakeAccount } from './provider-fake';

/** One open latch: faults that wait on it answer once it is opened. */
export class Gate {
  #open!: () => void;
  readonly opened = new Promise<void>((resolve) => (this.#open = resolve));
  /** Lets every fault waiting on this gate go on. */
  open(): void {
    this.#open();
  }
}

/** What a fault gets to work with. */
export interface FaultContext {
  readonly provider: string;
  /** The endpoint asked for ("snapshot", "invoices"), or null for a path the provider does not have. */
  readonly endpoint: string | null;
  /** The account the credentials' key names, or null. */
  readonly account: FakeAccount | null;
  /** 1 for the account's first request to this endpoint since the last reset. */
  readonly attempt: number;
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  readonly socket: Socket;
  /** The request body, read whole. */
  readonly body: string;
  /** A copy of what the account's normal answer to this endpoint carries (the snapshot's when no endpoint matched); null without an account. */
  accountBody(): unknown;
  /** Schedules work that stops when the response closes or the fake closes. */
  every(ms: number, tick: () => void): void;
  /** Answers as the fake does when nothing is planned: routing, credentials, then the account's body. */
  answer(): void;
}

/** How the fake answers one request. */
export type Fault = (context: FaultContext) => void;

/** Writes a whole response with its Content-Length, unless the connection is already gone. */
function send(res: ServerResponse, status: number, body: string, headers: Record<string, string>): void {
  if (res.destroyed || res.writableEnded) return;
  res.writeHead(status, { 'content-length': String(Buffer.byteLength(body)), ...headers });
  res.end(body);
}

/** Sets the value at a dotted path ("result.0.plan.price") of a JSON body, creating objects on the way. */
function setPath(body: unknown, path: string, value: unknown): void {
  const keys = path.split('.');
  let at = body as Record<string, unknown>;
  for (const key of keys.slice(0, -1)) {
    at[key] ??= {};
    at = at[key] as Record<string, unknown>;
  }
  at[keys[keys.length - 1] as string] = value;
}

/** The faults, each a function of the request: what a provider does when it is down, slow, broken or hostile. */
export const faults = {
  /** The answer the fake gives when nothing is planned (the account's normal body, or the provider's refusal). */
  ok: (): Fault => (c) => c.answer(),

  /** Accepts the request and never answers. */
  hang: (): Fault => () => undefined,

  /** Closes the connection without sending a byte. */
  closeBeforeHeaders: (): Fault => (c) => c.socket.destroy(),

  /** Chunked 200, half of the account's body, then the connection is destroyed. */
  resetMidBody: (): Fault => (c) => {
    const body = JSON.stringify(c.accountBody());
    c.res.writeHead(200, { 'content-type': 'application/json' });
    c.res.write(body.slice(0, body.length >> 1), () => c.socket.destroy());
  },

  /** A Content-Length larger than the body, then a clean end of the connection. */
  truncated: (): Fault => (c) => {
    const body = JSON.stringify(c.accountBody());
    const head = `HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: ${body.length + 500}\r\nconnection: close\r\n\r\n`;
    c.socket.end(head + body);
  },

  /** A 200 whose body comes one byte every `everyMs`, forever: never silent long enough for a body timeout. */
  drip: (everyMs = 100): Fault => (c) => {
    c.res.writeHead(200, { 'content-type': 'application/json' });
    c.res.write('{');
    c.every(everyMs, () => c.res.write(' '));
  },

  /** A JSON body with any status: a value is serialized, a string is sent as the JSON text it already is. */
  json: (status: number, body: unknown, headers: Record<string, string> = {}): Fault => {
    const text = typeof body === 'string' ? body : JSON.stringify(body);
    return (c) => send(c.res, status, text, { 'content-type': 'application/json', ...headers });
  },

  /** Any text with any status and type. */
  text: (status: number, contentType: string, body: string, headers: Record<string, string> = {}): Fault => (c) =>
    send(c.res, status, body, { 'content-type': contentType, ...headers }),

  /** A 200 JSON body of `bytes` bytes, with a Content-Length or chunked. */
  oversized: (bytes: number, chunked = false): Fault => (c) => {
    const body = `{"pad":"${'x'.repeat(bytes)}"}`;
    if (!chunked) return send(c.res, 200, body, { 'content-type': 'application/json' });
    c.res.writeHead(200, { 'content-type': 'application/json' });
    for (let at = 0; at < body.length; at += 8192) c.res.write(body.slice(at, at + 8192));
    c.res.end();
  },

  /**
   * The account's normal answer with some values replaced: `values` maps a dotted path into the
   * body ("result.0.total_monthly", "desk_phone") to what to put there. A hostile provider's
   * answer, well-formed but for those values. `sent` opens once the whole body is written.
   */
  patched: (values: Record<string, unknown>, sent?: Gate): Fault => (c) => {
    const body = c.accountBody();
    for (const [path, value] of Object.entries(values)) setPath(body, path, value);
    if (sent) c.res.once('finish', () => sent.open());
    send(c.res, 200, JSON.stringify(body), { 'content-type': 'application/json' });
  },

  /** Holds the request until the gate opens, then answers normally. */
  held: (gate: Gate): Fault => (c) => {
    void gate.opened.then(() => c.answer());
  },
};
