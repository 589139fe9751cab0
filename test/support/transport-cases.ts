import type { AccountEntry } from '../../src/domain/account-entry';
import { ErrorCode } from '../../src/domain/billing-error';
import type { ProviderClient } from '../../src/providers/provider-client';
import type { failureChecker } from './canary';
import { closedPort, faults, type FakeUpstream } from './fault-upstream';

/** One provider's client, as the shared transport cases drive it. */
export interface TransportSubject {
  /** The provider's name in messages ("Digidonar"). */
  readonly displayName: string;
  readonly account: AccountEntry;
  /** A body the provider answers with when all is well (padded to go over the size limit). */
  readonly documentedBody: object;
  /** The current test's fake and provider (both are made anew before each test). */
  readonly fake: () => FakeUpstream;
  readonly provider: () => ProviderClient;
  /** A provider of the same kind pointing at `origin`, a port nothing listens on. */
  readonly providerAt: (origin: string) => ProviderClient;
  readonly expectFailure: ReturnType<typeof failureChecker>;
}

/**
 * The failures every provider's client shares, because they all go through UpstreamHttp:
 * refused, silent, stalled, aborted, broken and oversized answers, each a typed error with the
 * provider's name and a message that never holds the URL. The client tests of each provider run
 * them through that provider's own client.
 */
export function describeTransportFailures(subject: TransportSubject): void {
  const { displayName, account, expectFailure } = subject;

  describe(`${displayName} transport failures`, () => {
    it('connection refused is UNAVAILABLE', async () => {
      const refused = subject.providerAt(`http://127.0.0.1:${await closedPort()}`);
      try {
        await expectFailure(refused.fetchSnapshot(account), {
          code: ErrorCode.UPSTREAM_UNAVAILABLE,
          message: `${displayName} could not be reached`,
        });
      } finally {
        await refused.close();
      }
    });

    it('a server that never answers is a TIMEOUT within the headers timeout', async () => {
      subject.fake().everyone = faults.hang();
      const started = Date.now();
      await expectFailure(subject.provider().fetchSnapshot(account), {
        code: ErrorCode.UPSTREAM_TIMEOUT,
        message: `${displayName} did not answer in time`,
      });
      expect(Date.now() - started).toBeLessThan(2000);
      expect(subject.fake().requestCount()).toBe(1);
    });

    it.each([
      ['with a content-length', { 'content-length': '4000' }],
      ['chunked', {}],
    ])('a body that stalls mid-way (%s) is a TIMEOUT within the body timeout', async (_name, headers) => {
      subject.fake().everyone = ({ res }) => {
        res.writeHead(200, { 'content-type': 'application/json', ...headers });
        res.write('{"status": "200", "result": [');
      };
      const started = Date.now();
      await expectFailure(subject.provider().fetchSnapshot(account), {
        code: ErrorCode.UPSTREAM_TIMEOUT,
        message: `${displayName} did not answer in time`,
      });
      expect(Date.now() - started).toBeLessThan(2000);
    });

    it('an abort signal cuts the call off as a TIMEOUT', async () => {
      subject.fake().everyone = faults.hang();
      const started = Date.now();
      await expectFailure(subject.provider().fetchSnapshot(account, AbortSignal.timeout(50)), {
        code: ErrorCode.UPSTREAM_TIMEOUT,
        message: `${displayName} call was cut off by its deadline`,
      });
      expect(Date.now() - started).toBeLessThan(1000);
    });

    it.each([
      ['with a content-length', { 'content-length': '4000' }],
      ['chunked', {}],
    ])('a socket destroyed mid-body (%s) is a typed error', async (_name, headers) => {
      subject.fake().everyone = ({ res }) => {
        res.writeHead(200, { 'content-type': 'application/json', ...headers });
        res.write('{"status": "200", "result": [', () => setTimeout(() => res.socket?.destroy(), 10));
      };
      await expectFailure(subject.provider().fetchSnapshot(account), {
        code: [ErrorCode.UPSTREAM_UNAVAILABLE, ErrorCode.UPSTREAM_BAD_RESPONSE],
      });
    });

    it('a socket destroyed before any answer is UNAVAILABLE', async () => {
      subject.fake().everyone = faults.closeBeforeHeaders();
      await expectFailure(subject.provider().fetchSnapshot(account), {
        code: ErrorCode.UPSTREAM_UNAVAILABLE,
        message: `${displayName} could not be reached`,
      });
    });

    it.each([
      ['declared by content-length', true],
      ['sent chunked', false],
    ])('a body over maxBodyBytes (%s) is a BAD_RESPONSE', async (_name, declared) => {
      const big = JSON.stringify({ ...subject.documentedBody, padding: 'x'.repeat(40_000) });
      subject.fake().everyone = ({ res }) => {
        res.writeHead(200, {
          'content-type': 'application/json',
          ...(declared ? { 'content-length': String(Buffer.byteLength(big)) } : {}),
        });
        if (declared) res.end(big);
        else {
          res.write(big.slice(0, 8000));
          setTimeout(() => res.end(big.slice(8000)), 10);
        }
      };
      await expectFailure(subject.provider().fetchSnapshot(account), {
        code: ErrorCode.UPSTREAM_BAD_RESPONSE,
        message: `${displayName} sent a response larger than the configured limit`,
      });
    });
  });
}
