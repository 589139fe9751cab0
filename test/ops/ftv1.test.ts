import { Trace } from '@apollo/usage-reporting-protobuf';
import { request } from 'undici';
import { startHarness, type Harness } from '../support/harness';

// Apollo federated tracing (ftv1): the router asks for it per request with a header, and the
// subgraph answers with the trace inline, in the response's extensions.

describe('federated tracing (ftv1)', () => {
  let harness: Harness;

  beforeAll(async () => {
    harness = await startHarness();
  });
  afterAll(() => harness.close());

  const post = async (headers: Record<string, string>) => {
    const response = await request(harness.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify({
        query: `{
          acme: account(provider: SIMPSY, accountId: "acme-voice") { accountId plan { name } }
          lavi: account(provider: DIGIDONAR, accountId: "1408847") { accountId profile { companyName } }
        }`,
      }),
    });
    const body = (await response.body.json()) as {
      data?: Record<string, { accountId: string } | null>;
      errors?: unknown[];
      extensions?: { ftv1?: unknown };
    };
    return { status: response.statusCode, body };
  };

  test('with apollo-federation-include-trace: ftv1, the response carries the trace', async () => {
    const { status, body } = await post({ 'apollo-federation-include-trace': 'ftv1' });
    expect(status).toBe(200);
    expect(body.errors).toBeUndefined();
    expect(body.data?.acme?.accountId).toBe('acme-voice');
    const ftv1 = body.extensions?.ftv1;
    expect(typeof ftv1).toBe('string');
    expect(ftv1).toMatch(/^[A-Za-z0-9+/]+={0,2}$/);

    const trace = Trace.decode(Buffer.from(ftv1 as string, 'base64'));
    expect(Number(trace.durationNs)).toBeGreaterThan(0);
    const children = trace.root?.child ?? [];
    expect(children.map((node) => node.responseName).sort()).toEqual(['acme', 'lavi']);
    const acme = children.find((node) => node.responseName === 'acme');
    expect(acme?.type).toBe('Account');
    expect(acme?.child?.map((node) => node.responseName)).toEqual(expect.arrayContaining(['accountId', 'plan']));
  });

  test('without the header, there is no trace in the response', async () => {
    const { status, body } = await post({});
    expect(status).toBe(200);
    expect(body.data?.lavi?.accountId).toBe('1408847');
    expect(body.extensions?.ftv1).toBeUndefined();
  });
});
