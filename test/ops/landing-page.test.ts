import { join } from 'node:path';
import { Script } from 'node:vm';
import { request } from 'undici';
import { LANDING_PAGE_EXAMPLES, type LandingPageExample } from '../../src/server/plugins/landing-page';
import { startHarness, type Harness } from '../support/harness';

// GET /graphql from a browser: a page that works offline in development, none in production.

async function getPage(url: string, accept = 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8') {
  const response = await request(url, { method: 'GET', headers: { accept }, headersTimeout: 5_000, bodyTimeout: 5_000 });
  return { status: response.statusCode, contentType: String(response.headers['content-type'] ?? ''), text: await response.body.text() };
}

describe('in development', () => {
  let harness: Harness;
  let page: { status: number; contentType: string; text: string };

  beforeAll(async () => {
    harness = await startHarness();
    page = await getPage(harness.url);
  });

  afterAll(async () => {
    await harness?.close();
  });

  it('serves its own page, naming the subgraph and linking the operational endpoints', () => {
    expect(page.status).toBe(200);
    expect(page.contentType).toMatch(/^text\/html/);
    expect(page.text).toContain('<title>Billing subgraph</title>');
    for (const path of ['/healthz', '/readyz', '/metrics']) expect(page.text).toContain(`<a href="${path}">`);
    expect(page.text).toContain('_service { sdl }');
    expect(page.text).toMatch(/curl -s .*-H 'content-type: application\/json'/);
  });

  it('loads nothing from elsewhere: no external script, style, image or font, and a CSP that forbids them', () => {
    expect(page.text).not.toMatch(/\b(src|href|action)\s*=\s*["']?(https?:)?\/\//i);
    expect(page.text).not.toMatch(/\burl\(/i);
    expect(page.text).not.toMatch(/@import/i);
    expect(page.text).not.toMatch(/apollographql|cdn\./i);
    expect(page.text).toContain(`<meta http-equiv="Content-Security-Policy" content="default-src 'none';`);
    expect(page.text).toMatch(/connect-src 'self'/);
  });

  it("its script is valid JavaScript, and the examples it embeds are the README's", () => {
    const scripts = [...page.text.matchAll(/<script>([\s\S]*?)<\/script>/g)].map((m) => m[1] ?? '');
    expect(scripts).toHaveLength(1);
    expect(() => new Script(scripts[0] ?? '')).not.toThrow();
    const embedded = /<script type="application\/json" id="examples">([\s\S]*?)<\/script>/.exec(page.text)?.[1];
    expect(JSON.parse(embedded ?? 'null')).toEqual(LANDING_PAGE_EXAMPLES);
  });

  it("its form posts the chosen example to this server's /graphql, with the token, and shows the answer", async () => {
    // The page's script over a minimal stand-in for the DOM: elements by id, and fetch.
    const script = /<script>([\s\S]*?)<\/script>/.exec(page.text)?.[1] ?? '';
    const examplesJson = /<script type="application\/json" id="examples">([\s\S]*?)<\/script>/.exec(page.text)?.[1] ?? '';
    type Element = { value: string; textContent: string; listeners: Record<string, (event?: unknown) => unknown>; children: unknown[] };
    const elements = new Map<string, Element>();
    const element = (id: string): Element => {
      let found = elements.get(id);
      if (!found) {
        found = { value: '', textContent: id === 'examples' ? examplesJson : '', listeners: {}, children: [] };
        elements.set(id, found);
      }
      return found;
    };
    const posted: Array<{ url: string; init: { method: string; headers: Record<string, string>; body: string } }> = [];
    const context = {
      document: {
        getElementById: (id: string) => ({
          get value() { return element(id).value; },
          set value(v: string) { element(id).value = v; },
          get textContent() { return element(id).textContent; },
          set textContent(v: string) { element(id).textContent = v; },
          addEventListener: (type: string, listener: (event?: unknown) => unknown) => { element(id).listeners[type] = listener; },
          appendChild: (child: unknown) => element(id).children.push(child),
        }),
        createElement: () => ({}),
        querySelectorAll: () => [],
      },
      location: { origin: 'http://billing.test:4001', pathname: '/graphql' },
      performance: { now: () => 0 },
      fetch: async (url: string, init: { method: string; headers: Record<string, string>; body: string }) => {
        posted.push({ url, init });
        return { status: 200, text: async () => JSON.stringify({ data: { ok: true } }) };
      },
      JSON,
      Math,
      Number,
      String,
    };
    new Script(script).runInNewContext(context);

    expect(element('example').children).toHaveLength(LANDING_PAGE_EXAMPLES.length);
    expect(element('query').value).toBe(LANDING_PAGE_EXAMPLES[0]?.query);
    expect(element('curl').textContent).toContain("curl -s http://billing.test:4001/graphql -H 'content-type: application/json'");

    // The invoices example, with its variables, and a token.
    const invoices = LANDING_PAGE_EXAMPLES.findIndex((e) => e.variables?.accountId === 'acme-voice');
    element('example').value = String(invoices);
    element('example').listeners.change?.();
    element('token').value = 'a.jwt.token';
    await element('run').listeners.click?.();
    expect(posted).toHaveLength(1);
    expect(posted[0]?.url).toBe('http://billing.test:4001/graphql');
    expect(posted[0]?.init.method).toBe('POST');
    expect(posted[0]?.init.headers).toEqual({ 'content-type': 'application/json', authorization: 'Bearer a.jwt.token' });
    expect(JSON.parse(posted[0]?.init.body ?? '')).toEqual({
      query: LANDING_PAGE_EXAMPLES[invoices]?.query,
      variables: { accountId: 'acme-voice' },
    });
    expect(JSON.parse(element('result').textContent)).toEqual({ data: { ok: true } });
    expect(element('status').textContent).toBe('HTTP 200, 0 ms');
  });

  it.each(LANDING_PAGE_EXAMPLES.map((example) => [example.title, example] as [string, LandingPageExample]))(
    'the example "%s" runs as the form posts it',
    async (_title, example) => {
      const answer = await harness.query(example.query, example.variables as never);
      expect(answer.status).toBe(200);
      const codes = (answer.errors ?? []).map((e) => e.extensions?.code);
      expect(codes).not.toContain('GRAPHQL_VALIDATION_FAILED');
      expect(codes).not.toContain('GRAPHQL_PARSE_FAILED');
      expect(answer.data).toBeTruthy();
      // Only lapsed-voice fails, and on purpose: its failed payment.
      expect(codes.filter((code) => code !== 'UPSTREAM_PAYMENT_REQUIRED')).toEqual([]);
    },
  );

  it('is not what a GET that asks for JSON gets', async () => {
    const json = await getPage(harness.url, 'application/json');
    expect(json.text).not.toContain('<html');
  });
});

describe('in production', () => {
  let harness: Harness;

  beforeAll(async () => {
    harness = await startHarness({
      env: {
        NODE_ENV: 'production',
        TRUST_NETWORK_WITHOUT_ROUTER_SECRET: 'true',
        ACCOUNTS_FILE: join(__dirname, '..', '..', 'accounts.example.yaml'),
      },
    });
  });

  afterAll(async () => {
    await harness?.close();
  });

  it('serves no page: a browser GET is a bad request, with no HTML', async () => {
    const page = await getPage(harness.url);
    expect(page.status).toBe(400);
    expect(page.contentType).not.toMatch(/html/);
    expect(page.text).not.toMatch(/<html|<script/i);
  });
});
