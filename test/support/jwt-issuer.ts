import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { SignJWT, UnsecuredJWT, exportJWK, exportSPKI, generateKeyPair, type JWK, type JWTPayload, type CryptoKey } from 'jose';

/** Which private key signs a token. */
export type SigningKey =
  /** The issuer's RSA key, published in the JWKS and as `publicKeyPem`. */
  | 'rs256'
  /** The issuer's EC P-256 key, published in the JWKS only. */
  | 'es256'
  /** An unrelated RSA key that the subgraph has never seen ("wrongly signed"). */
  | 'unrelated';

/**
 * The claims of a token. Standard claims default to a valid token of this issuer (iss, aud,
 * iat now, exp in 10 minutes, sub "user-1"); `null` leaves a claim out. Any other claim
 * (tenant, scope, scp, ...) is copied as given.
 */
export interface TokenClaims {
  iss?: string | null;
  aud?: string | string[] | null;
  /** Seconds since the epoch. */
  exp?: number | null;
  /** Seconds since the epoch. */
  nbf?: number | null;
  iat?: number | null;
  sub?: string | null;
  /** A string or a list of strings when well formed; anything, to test the malformed. */
  tenant?: unknown;
  scope?: unknown;
  [claim: string]: unknown;
}

export interface SignOptions {
  key?: SigningKey;
  /** The `kid` header; by default the kid of the chosen key (the unrelated key borrows the RSA kid, so only the signature can tell). */
  kid?: string | null;
}

/** A token issuer for tests: key pairs, a JWKS served on loopback, and a signer. */
export interface JwtIssuer {
  readonly issuer: string;
  readonly audience: string;
  /** e.g. http://127.0.0.1:PORT/.well-known/jwks.json: the RS256 and ES256 public keys. */
  readonly jwksUrl: string;
  /** The RS256 public key as SPKI PEM, for JWT_PUBLIC_KEY. */
  readonly publicKeyPem: string;
  /** The unrelated key's public half as PEM, to check it never shows up anywhere. */
  readonly unrelatedPublicKeyPem: string;
  /** The key ids in the JWKS. */
  readonly kids: { readonly rs256: string; readonly es256: string };
  /** Every piece of key material that must never appear in a response or a log line. */
  readonly keyMaterial: readonly string[];
  /** Seconds since the epoch, as the tokens count them. */
  now(): number;
  /** A signed JWT with these claims (see TokenClaims for the defaults). */
  sign(claims?: TokenClaims, options?: SignOptions): Promise<string>;
  /** An unsecured token, `alg: none`, with an empty signature part. */
  unsigned(claims?: TokenClaims): string;
  /** How many times the JWKS was fetched. */
  jwksRequests(): number;
  close(): Promise<void>;
}

interface KeyPair {
  readonly alg: 'RS256' | 'ES256';
  readonly privateKey: CryptoKey;
  readonly publicKey: CryptoKey;
}

async function keyPair(alg: 'RS256' | 'ES256'): Promise<KeyPair> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  return { alg, privateKey, publicKey };
}

/** The RSA modulus, EC coordinates and private parts of a JWK: the strings that identify the key. */
function materialOf(jwk: JWK): string[] {
  return (['n', 'd', 'p', 'q', 'dp', 'dq', 'qi', 'x', 'y'] as const)
    .map((name) => jwk[name])
    .filter((value): value is string => typeof value === 'string');
}

/** The base64 body of a PEM, without its armour lines (long enough to be unmistakable). */
const pemBody = (pem: string) => pem.replace(/-----[A-Z ]+-----/g, '').replace(/\s+/g, '');

/**
 * Starts a JWKS server on 127.0.0.1 (port 0) with fresh RS256 and ES256 key pairs, plus an
 * unrelated RSA pair that is published nowhere.
 */
export async function startJwtIssuer(
  options: { issuer?: string; audience?: string } = {},
): Promise<JwtIssuer> {
  const issuer = options.issuer ?? 'https://issuer.test/';
  const audience = options.audience ?? 'billing-subgraph';
  const [rs, es, unrelated] = await Promise.all([keyPair('RS256'), keyPair('ES256'), keyPair('RS256')]);
  const kids = { rs256: 'test-rs256', es256: 'test-es256' } as const;

  const rsJwk = await exportJWK(rs.publicKey);
  const esJwk = await exportJWK(es.publicKey);
  const jwks = JSON.stringify({
    keys: [
      { ...rsJwk, kid: kids.rs256, alg: 'RS256', use: 'sig' },
      { ...esJwk, kid: kids.es256, alg: 'ES256', use: 'sig' },
    ],
  });
  const publicKeyPem = await exportSPKI(rs.publicKey);
  const unrelatedPublicKeyPem = await exportSPKI(unrelated.publicKey);

  const privateJwks = await Promise.all([rs, es, unrelated].map((pair) => exportJWK(pair.privateKey)));
  const keyMaterial = [
    ...new Set([
      ...privateJwks.flatMap(materialOf),
      pemBody(publicKeyPem),
      pemBody(unrelatedPublicKeyPem),
      // A PEM is wrapped at 64 characters: its first line alone is enough to recognise it.
      ...[publicKeyPem, unrelatedPublicKeyPem].map((pem) => pem.split('\n')[1] ?? ''),
    ]),
  ].filter((material) => material.length >= 32);

  let requests = 0;
  const sockets = new Set<Socket>();
  const server: Server = createServer((request, response) => {
    requests += 1;
    if (request.method === 'GET' && request.url === '/.well-known/jwks.json') {
      response.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(jwks) });
      response.end(jwks);
      return;
    }
    response.writeHead(404).end();
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  const now = () => Math.floor(Date.now() / 1000);

  /** The payload after defaults; `null` removes a claim. */
  function payloadOf(claims: TokenClaims): JWTPayload {
    const t = now();
    const merged: Record<string, unknown> = { iss: issuer, aud: audience, iat: t, exp: t + 600, sub: 'user-1', ...claims };
    return Object.fromEntries(Object.entries(merged).filter(([, value]) => value !== null && value !== undefined));
  }

  return {
    issuer,
    audience,
    jwksUrl: `http://127.0.0.1:${port}/.well-known/jwks.json`,
    publicKeyPem,
    unrelatedPublicKeyPem,
    kids,
    keyMaterial,
    now,
    async sign(claims = {}, signOptions = {}) {
      const which = signOptions.key ?? 'rs256';
      const pair = which === 'es256' ? es : which === 'unrelated' ? unrelated : rs;
      const kid = signOptions.kid === undefined ? (which === 'es256' ? kids.es256 : kids.rs256) : signOptions.kid;
      return new SignJWT(payloadOf(claims))
        .setProtectedHeader({ alg: pair.alg, typ: 'JWT', ...(kid === null ? {} : { kid }) })
        .sign(pair.privateKey);
    },
    unsigned(claims = {}) {
      return new UnsecuredJWT(payloadOf(claims)).encode();
    },
    jwksRequests: () => requests,
    async close() {
      await new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        for (const socket of sockets) socket.destroy();
      });
    },
  };
}
