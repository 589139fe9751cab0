// Fake Digidonar and Simpsy upstreams for the benchmark, modelled on test/support/fault-upstream.ts:
// node:http on 127.0.0.1, one account per key, a fixed latency per answer, and call counters.
// Run as a child process with BENCH_TARGETS=a,b,...: one pair of servers per target; prints one JSON line
// {targets: {a: {digidonarBaseUrl, simpsyBaseUrl}, ...}, controlUrl} on stdout.
// Control: GET /__stats?target=a -> {digidonar, simpsy, unknown}, POST /__reset?target=a.
import { createServer } from 'node:http';

const latencyMs = Number(process.env.BENCH_LATENCY_MS ?? 50);
const accountCount = Number(process.env.BENCH_ACCOUNTS ?? 500);

export function benchAccounts(n = accountCount) {
  const accounts = [];
  for (let i = 0; i < n; i += 1) {
    const provider = i % 2 === 0 ? 'DIGIDONAR' : 'SIMPSY';
    const accountId = `${provider === 'DIGIDONAR' ? 'dd' : 'sv'}-${Math.floor(i / 2)}`;
    accounts.push({ provider, accountId, key: `bench-${accountId}-key`, secret: `bench-${accountId}-secret` });
  }
  return accounts;
}

export function successBody(provider, accountId) {
  if (provider === 'DIGIDONAR') {
    return {
      login_account: {
        account_id: accountId, admin_email: 'ops@example.test', admin_Fname: 'Asha', admin_Lname: 'Iyer',
        admin_number: '9845012345', company_name: `Company ${accountId}`, company_address: 'Pune, India',
        sms_coins: '100', obd_coins: '100', voip_coins: '100', clicktocall_coins: '100', call_coins: '100',
        avail_sms_coins: '50', avail_obd_coins: '50', avail_voip_coins: '50', avail_clicktocall_coins: '50',
        avail_call_coins: '50', service_order: 'Yearly', create_at: '2024-01-02 10:00:00',
        updated_on: '2024-02-03 11:00:00', expired_on: '2030-12-31 00:00:00',
      },
      desk_phone: '01206851234', did_no: '00911206851235', type: 'success',
    };
  }
  return {
    status: '200', message: 'Success',
    result: [{
      call_route: 'Normal', payment_method: 'Visa', payment_details: '411111******1111', creditlimit: '$139.90',
      billingcycle: '2018-04-08',
      plan: { name: `Plan ${accountId}`, price: '$24.90', no_of_agents: '5', storage: '3GB', crm: '0' },
      addon: {
        agents: { no_of_agents: '10', price_per_agent: '$4.90', total_agent_price: '$49.00' },
        storage: { no_of_storage: '7GB', price_per_gb: '$8.00', total_storage_price: '$56.00' },
        crm: { no_of_crm: '1', total_storage_price: '$10.00' },
        did: [
          { number: '1234567', country: 'United States', monthly: '$15.90' },
          { number: '651234567', country: 'Singapore', monthly: '$21.90' },
        ],
      },
      total_monthly: '$177.70',
    }],
  };
}

/** One Digidonar and one Simpsy server, counting the calls they answer. */
function startPair(byKey, bodies, onReady) {
  // firstAt/lastAt: when the first and last call since the reset arrived (ms, for the send spread).
  const counts = { digidonar: 0, simpsy: 0, unknown: 0, firstAt: 0, lastAt: 0 };
  const arrived = () => {
    const now = performance.now();
    if (!counts.firstAt) counts.firstAt = now;
    counts.lastAt = now;
  };
  const answer = (res, status, body) =>
    setTimeout(() => {
      if (res.destroyed) return;
      res.writeHead(status, { 'content-type': 'application/json', 'content-length': String(body.length) });
      res.end(body);
    }, latencyMs);
  const unauthorized = Buffer.from('{"status":"401","type":"error","message":"Invalid credentials"}');

  const digidonar = createServer((req, res) => {
    arrived();
    const path = (req.url ?? '').split('?')[0];
    req.resume();
    req.once('end', () => {
      const match = /^Basic ([A-Za-z0-9+/=]+)$/.exec(req.headers.authorization ?? '');
      const decoded = match ? Buffer.from(match[1], 'base64').toString('utf8') : '';
      const colon = decoded.indexOf(':');
      const account = byKey.get(decoded.slice(0, colon));
      if (req.method !== 'POST' || path !== '/api_v2/profile_billing_v2' || !account || account.secret !== decoded.slice(colon + 1) || account.provider !== 'DIGIDONAR') {
        counts.unknown += 1;
        return answer(res, 401, unauthorized);
      }
      counts.digidonar += 1;
      answer(res, 200, bodies.get(account.key));
    });
  });
  const simpsy = createServer((req, res) => {
    arrived();
    req.resume();
    req.once('end', () => {
      const url = new URL(req.url ?? '/', 'http://x');
      const account = byKey.get(url.searchParams.get('key') ?? '');
      if (req.method !== 'GET' || url.pathname !== '/api/v1/billing/details' || !account || account.secret !== url.searchParams.get('secret') || account.provider !== 'SIMPSY') {
        counts.unknown += 1;
        return answer(res, 200, unauthorized);
      }
      counts.simpsy += 1;
      answer(res, 200, bodies.get(account.key));
    });
  });
  for (const server of [digidonar, simpsy]) {
    server.keepAliveTimeout = 60_000;
    server.on('clientError', (_e, socket) => socket.destroy());
  }
  let listening = 0;
  const ready = () => {
    listening += 1;
    if (listening < 2) return;
    onReady({
      digidonarBaseUrl: `http://127.0.0.1:${digidonar.address().port}`,
      simpsyBaseUrl: `http://127.0.0.1:${simpsy.address().port}/api/v1`,
    });
  };
  digidonar.listen(0, '127.0.0.1', ready);
  simpsy.listen(0, '127.0.0.1', ready);
  return counts;
}

function main() {
  const byKey = new Map(benchAccounts().map((a) => [a.key, a]));
  const bodies = new Map(benchAccounts().map((a) => [a.key, Buffer.from(JSON.stringify(successBody(a.provider, a.accountId)))]));
  // Each target gets its own pair of servers, so calls a target still makes after its run
  // (requests the load generator abandoned) are never counted against another target.
  const targets = (process.env.BENCH_TARGETS ?? 'default').split(',');
  const counts = {};
  const urls = {};
  const control = createServer((req, res) => {
    const [path, query] = (req.url ?? '').split('?');
    const target = new URLSearchParams(query ?? '').get('target');
    if (!counts[target]) {
      res.writeHead(404);
      return res.end('unknown target');
    }
    if (path === '/__stats') return res.end(JSON.stringify(counts[target]));
    if (path === '/__reset') {
      Object.assign(counts[target], { digidonar: 0, simpsy: 0, unknown: 0, firstAt: 0, lastAt: 0 });
      return res.end('{}');
    }
    res.writeHead(404);
    res.end();
  });
  let pending = targets.length + 1;
  const done = () => {
    pending -= 1;
    if (pending > 0) return;
    const controlUrl = `http://127.0.0.1:${control.address().port}`;
    process.stdout.write(`${JSON.stringify({ targets: urls, controlUrl, latencyMs })}\n`);
  };
  for (const target of targets) {
    counts[target] = startPair(byKey, bodies, (u) => {
      urls[target] = u;
      done();
    });
  }
  control.listen(0, '127.0.0.1', done);
}

if (import.meta.url === `file://${process.argv[1]}`) main();
