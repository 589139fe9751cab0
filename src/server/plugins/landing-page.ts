import type { ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';

// What a browser gets at GET /graphql. Apollo's default page (Sandbox) is loaded from Apollo's
// CDN, so offline, or behind a proxy that blocks it, it is a blank page. This one is a single
// self-contained document: no CDN, no external asset (its Content-Security-Policy forbids
// any), a small form that posts a query and shows the JSON, the README's example operations,
// curl commands and the operational endpoints. In production there is no page at all.

/** An example operation the page offers, from the README. */
export interface LandingPageExample {
  readonly title: string;
  readonly query: string;
  readonly variables?: Readonly<Record<string, unknown>>;
}

/** The README's example operations, checked against the schema by test/ops/landing-page.test.ts. */
export const LANDING_PAGE_EXAMPLES: readonly LandingPageExample[] = [
  {
    title: 'A Simpsy account, with the monthly bill reconciled',
    query: `{
  account(provider: SIMPSY, accountId: "acme-voice") {
    plan { name price { amount currency raw } includedAgents includedStorage { raw gigabytes } }
    addons { kind quantity size { raw } unitPrice { amount } totalPrice { amount currency } }
    dids { raw e164 country countryName monthlyPrice { amount currency } }
    creditLimit { amount currency }
    billingCycle { date }
    paymentMethod { type maskedCardNumber last4 }
    monthlyCharges {
      lineItems { kind description amount { amount currency } }
      computedTotal { amount } statedTotal { amount } difference { amount } matches
    }
  }
}`,
  },
  {
    title: 'A Digidonar account',
    query: `{
  account(provider: DIGIDONAR, accountId: "1408847") {
    profile { companyName companyAddress adminEmail adminPhone { raw e164 } }
    coins { kind purchased available used }
    validity { serviceOrder expiresAt { instant raw timeZone } }
    deskPhones { raw e164 country }
    dids { raw e164 }
    fetchedAt
  }
}`,
  },
  {
    title: 'Several accounts at once (each failure on its own)',
    query: `{
  accounts(keys: [
    { provider: DIGIDONAR, accountId: "1408847" }
    { provider: SIMPSY, accountId: "lapsed-voice" }
  ]) { provider accountId profile { companyName } plan { name } }
}`,
  },
  {
    title: 'A page of invoices (set "after" to pageInfo.endCursor for the next)',
    query: `query BillingPageInvoices($accountId: ID!, $after: String) {
  account(provider: SIMPSY, accountId: $accountId) {
    accountId
    plan { name }
    invoices(first: 2, after: $after) {
      totalCount
      edges {
        cursor
        node { id date { date } amount { amount currency } status rawStatus url }
      }
      pageInfo { hasNextPage endCursor }
    }
  }
}`,
    variables: { accountId: 'acme-voice' },
  },
  {
    title: 'Insights: balances, expiry, reconciliation',
    query: `{
  account(provider: DIGIDONAR, accountId: "1512093") {
    coins { kind available remainingPercent status }
    validity { expiresAt { instant } daysUntilExpiry status }
  }
  simpsy: account(provider: SIMPSY, accountId: "acme-voice") {
    monthlyCharges { difference { amount } status }
  }
}`,
  },
  {
    title: 'The billing overview',
    query: `{
  billingOverview {
    needingAttention
    monthlyTotals { amount currency }
    accounts {
      provider accountId attention
      problem { code message }
      account { profile { companyName } plan { name } freshness { stale } }
    }
  }
}`,
  },
  {
    title: 'What a router sends (_entities)',
    query: `query ($r: [_Any!]!) {
  _entities(representations: $r) {
    ... on Account { accountId coins { kind available } plan { name } }
  }
}`,
    variables: {
      r: [
        { __typename: 'Account', provider: 'DIGIDONAR', accountId: '1408847' },
        { __typename: 'Account', provider: 'SIMPSY', accountId: 'acme-voice' },
      ],
    },
  },
  {
    title: 'The subgraph SDL (_service { sdl }), as composition reads it',
    query: '{ _service { sdl } }',
  },
];

/** JSON that is safe inside a <script> element: nothing in it can close the element. */
const scriptJson = (value: unknown) =>
  JSON.stringify(value).replace(/</g, '\\u003c').replace(/>/g, '\\u003e').replace(/&/g, '\\u0026');

const STYLE = `
body{font:15px/1.45 system-ui,sans-serif;margin:0 auto;max-width:72rem;padding:1rem 1.5rem;color:#1d1f24}
h1{font-size:1.5rem;margin:.5rem 0}h2{font-size:1.1rem;margin:1.5rem 0 .5rem}
code,pre,textarea{font:13px/1.4 ui-monospace,Menlo,Consolas,monospace}
pre{background:#f4f5f7;padding:.75rem;overflow:auto;white-space:pre-wrap;word-break:break-all;border-radius:4px}
textarea{width:100%;box-sizing:border-box;border:1px solid #bbb;border-radius:4px;padding:.5rem}
.row{display:flex;gap:1rem;flex-wrap:wrap}.col{flex:1 1 30rem;min-width:0}
select,input,button{font:inherit;padding:.3rem .5rem}button{cursor:pointer}
#status{margin-left:.5rem;color:#555}nav a{margin-right:1rem}
`;

/** Runs in the browser: fills the form from the examples, posts it, shows the answer and a curl. */
const SCRIPT = `
const examples = JSON.parse(document.getElementById('examples').textContent);
const endpoint = location.origin + location.pathname;
const $ = (id) => document.getElementById(id);
const quote = (s) => "'" + s.replace(/'/g, "'\\\\''") + "'";
function body() {
  const variablesText = $('variables').value.trim();
  return JSON.stringify({ query: $('query').value, variables: variablesText ? JSON.parse(variablesText) : undefined });
}
function headers() {
  const h = { 'content-type': 'application/json' };
  const token = $('token').value.trim();
  if (token) h.authorization = /^bearer /i.test(token) ? token : 'Bearer ' + token;
  return h;
}
function showCurl() {
  let text;
  try { text = body(); } catch (e) { $('curl').textContent = 'Variables are not valid JSON: ' + e.message; return; }
  const auth = headers().authorization ? " -H 'authorization: Bearer …'" : '';
  $('curl').textContent = 'curl -s ' + endpoint + " -H 'content-type: application/json'" + auth + ' \\\\\\n  -d ' + quote(text);
}
function load(index) {
  const example = examples[index];
  $('query').value = example.query;
  $('variables').value = example.variables ? JSON.stringify(example.variables, null, 2) : '';
  showCurl();
}
async function run() {
  let text;
  try { text = body(); } catch (e) { $('result').textContent = 'Variables are not valid JSON: ' + e.message; return; }
  $('status').textContent = 'running…';
  const started = performance.now();
  try {
    const response = await fetch(endpoint, { method: 'POST', headers: headers(), body: text });
    const answer = await response.text();
    let shown = answer;
    try {
      const json = JSON.parse(answer);
      const sdl = json && json.data && json.data._service && json.data._service.sdl;
      shown = typeof sdl === 'string' && !json.errors ? sdl : JSON.stringify(json, null, 2);
    } catch (e) { /* not JSON: shown as it came */ }
    $('result').textContent = shown;
    $('status').textContent = 'HTTP ' + response.status + ', ' + Math.round(performance.now() - started) + ' ms';
  } catch (e) {
    $('result').textContent = String(e);
    $('status').textContent = 'failed';
  }
}
const select = $('example');
examples.forEach((example, index) => {
  const option = document.createElement('option');
  option.value = String(index);
  option.textContent = example.title;
  select.appendChild(option);
});
select.addEventListener('change', () => load(Number(select.value)));
$('run').addEventListener('click', run);
for (const id of ['query', 'variables', 'token']) $(id).addEventListener('input', showCurl);
$('query').addEventListener('keydown', (e) => { if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) run(); });
for (const el of document.querySelectorAll('[data-endpoint]')) el.textContent = endpoint;
load(0);
`;

/** The page: everything inline, nothing fetched but this server's own /graphql. */
export function renderLandingPageHtml(examples: readonly LandingPageExample[] = LANDING_PAGE_EXAMPLES): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; connect-src 'self'; img-src 'none'; form-action 'none'; base-uri 'none'">
<title>Billing subgraph</title>
<style>${STYLE}</style>
</head>
<body>
<h1>Billing subgraph</h1>
<p>A Federation 2 subgraph with the billing data of Digidonar and Simpsy Voice, as one entity:
<code>Account @key(fields: "provider accountId")</code>. This page works offline and is served in development
only (<code>NODE_ENV=production</code> serves none). GraphQL endpoint: <code data-endpoint>/graphql</code></p>
<nav>
<a href="/healthz">/healthz</a><a href="/readyz">/readyz</a><a href="/metrics">/metrics</a>
</nav>

<h2>Try an operation</h2>
<div class="row">
<div class="col">
<p><label>Example: <select id="example"></select></label></p>
<p><label>Query<br><textarea id="query" rows="18" spellcheck="false"></textarea></label></p>
<p><label>Variables (JSON)<br><textarea id="variables" rows="4" spellcheck="false"></textarea></label></p>
<p><label>JWT, when the subgraph verifies tokens (sent as <code>Authorization: Bearer …</code>, kept in this page only)<br>
<input id="token" type="password" autocomplete="off" style="width:100%;box-sizing:border-box"></label></p>
<p><button id="run" type="button">Run (Ctrl+Enter)</button><span id="status"></span></p>
</div>
<div class="col">
<p>Response</p>
<pre id="result">Pick an example and run it.</pre>
</div>
</div>

<h2>The same with curl</h2>
<pre id="curl"></pre>
<p>The SDL a router composes (<code>_service { sdl }</code>, the last example above):</p>
<pre>curl -s <span data-endpoint>http://localhost:4001/graphql</span> -H 'content-type: application/json' \\
  -d '{"query":"{ _service { sdl } }"}'</pre>
<p>When <code>ROUTER_SECRET</code> is set, every request but <code>/healthz</code>, <code>/readyz</code> and
<code>/metrics</code> needs it in the <code>router-authorization</code> header (this page too), so try the
subgraph through the router, or without the secret in development.</p>
<script type="application/json" id="examples">${scriptJson(examples)}</script>
<script>${SCRIPT}</script>
</body>
</html>
`;
}

/**
 * Apollo Server's landing page: this offline page in development, none in production
 * (a GET without a query is then just a bad request).
 */
export function landingPagePlugin(config: { readonly nodeEnv: string }): ApolloServerPlugin {
  if (config.nodeEnv === 'production') return ApolloServerPluginLandingPageDisabled();
  const html = renderLandingPageHtml();
  return {
    async serverWillStart() {
      return {
        async renderLandingPage() {
          return { html };
        },
      };
    },
  };
}
