// The floor: a tiny node:http server that, per request, fans out one upstream call per distinct
// account with undici (the same calls the subgraph makes) and answers precomputed bytes of the
// subgraph's own response. No GraphQL, no normalization. Its only cost is HTTP in and out.
// POST /__register {body, response, fanout} before a scenario: requests whose body equals `body`
// are answered with `response`, after the upstream calls when `fanout` is true.
import { createServer } from 'node:http';
import { text } from 'node:stream/consumers';
import { readFileSync } from 'node:fs';
import { Agent, request } from 'undici';
import { parse } from 'yaml';

const accounts = new Map(
  parse(readFileSync(process.env.ACCOUNTS_FILE, 'utf8')).accounts.map((a) => [`${a.provider}:${a.accountId}`, a]),
);
const dispatcher = new Agent({ connections: Number(process.env.UPSTREAM_CONNECTIONS ?? 64), keepAliveTimeout: 60_000 });
const digidonar = process.env.DIGIDONAR_BASE_URL;
const simpsy = process.env.SIMPSY_BASE_URL;
const registered = new Map();

async function call(account) {
  const response =
    account.provider === 'DIGIDONAR'
      ? await request(`${digidonar}/api_v2/profile_billing_v2`, {
          method: 'POST',
          dispatcher,
          headers: {
            authorization: `Basic ${Buffer.from(`${account.key}:${account.secret}`).toString('base64')}`,
            'content-type': 'application/x-www-form-urlencoded',
          },
          body: '',
        })
      : await request(
          `${simpsy}/billing/details?${new URLSearchParams({ key: account.key, secret: account.secret })}`,
          { dispatcher },
        );
  await response.body.arrayBuffer();
}

const server = createServer(async (req, res) => {
  try {
    const body = await text(req);
    if (req.url === '/__register') {
      const entry = JSON.parse(body);
      registered.set(entry.body, { response: Buffer.from(entry.response), fanout: entry.fanout });
      return res.end('{}');
    }
    const entry = registered.get(body);
    if (!entry) {
      res.writeHead(400);
      return res.end('unregistered body');
    }
    if (entry.fanout) {
      const distinct = new Set(JSON.parse(body).variables.r.map((r) => `${r.provider}:${r.accountId}`));
      await Promise.all([...distinct].map((key) => call(accounts.get(key))));
    }
    res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': String(entry.response.length) });
    res.end(entry.response);
  } catch (error) {
    res.writeHead(500);
    res.end(String(error));
  }
});
server.keepAliveTimeout = 60_000;
server.listen(Number(process.env.PORT), '127.0.0.1');
