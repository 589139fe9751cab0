import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { ErrorCode } from '../../src/domain/billing-error';
import { UpstreamHttp } from '../../src/providers/upstream-http';
import { DIGIDONAR } from '../../src/providers/digidonar/digidonar.client';

// The provider pools speak HTTP/1.1 only, whatever the provider's TLS offers: one request per
// connection is what makes `maxConnections` the bound on concurrent calls to a provider. undici 8
// offers HTTP/2 by default when TLS negotiates it, so the pool must say so itself.

/** The protocols a TLS ClientHello offers through ALPN (extension 16); [] when it offers none. */
function alpnOffered(hello: Buffer): string[] {
  // TLS record header (5 bytes), handshake header (4), client version (2), random (32).
  let at = 5 + 4 + 2 + 32;
  at += 1 + hello.readUInt8(at); // session id
  at += 2 + hello.readUInt16BE(at); // cipher suites
  at += 1 + hello.readUInt8(at); // compression methods
  const end = at + 2 + hello.readUInt16BE(at);
  at += 2;
  while (at + 4 <= end) {
    const type = hello.readUInt16BE(at);
    const length = hello.readUInt16BE(at + 2);
    if (type === 16) {
      const names: string[] = [];
      for (let p = at + 6; p < at + 4 + length; p += 1 + hello.readUInt8(p)) {
        names.push(hello.toString('latin1', p + 1, p + 1 + hello.readUInt8(p)));
      }
      return names;
    }
    at += 4 + length;
  }
  return [];
}

/** A TCP server that reads one TLS ClientHello, records the ALPN offer, and hangs up. */
async function helloRecorder(): Promise<{ server: Server; url: string; offers: string[][] }> {
  const offers: string[][] = [];
  const server = createServer((socket: Socket) => {
    let received = Buffer.alloc(0);
    socket.on('error', () => {});
    socket.on('data', (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      // The record's own length says when the whole ClientHello is here.
      if (received.length >= 5 && received.length >= 5 + received.readUInt16BE(3)) {
        offers.push(alpnOffered(received));
        socket.destroy();
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `https://127.0.0.1:${(server.address() as AddressInfo).port}`, offers };
}

test('a provider pool offers only HTTP/1.1 over TLS', async () => {
  const recorder = await helloRecorder();
  const http = new UpstreamHttp({
    ...DIGIDONAR,
    baseUrl: recorder.url,
    connectTimeoutMs: 2_000,
    headersTimeoutMs: 2_000,
    bodyTimeoutMs: 2_000,
    maxConnections: 1,
    maxBodyBytes: 1_024,
  });
  try {
    await expect(http.request({ accountId: 'a', method: 'GET', path: '/' })).rejects.toMatchObject({
      code: ErrorCode.UPSTREAM_UNAVAILABLE,
    });
    expect(recorder.offers).toEqual([['http/1.1']]);
  } finally {
    await http.close();
    await new Promise<void>((resolve) => recorder.server.close(() => resolve()));
  }
});
