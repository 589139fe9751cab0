// Runs only the built-in fake providers, so the subgraph can be tried with an accounts file
// exactly as in production: `npm run sandbox` here, `npm start` with the printed variables elsewhere.
import '../src/runtime/require-supported-node';
import { startSandbox } from '../src/sandbox';
import { INSTALLED_PROVIDERS } from '../src/providers/installed';

async function run(): Promise<void> {
  const sandbox = await startSandbox({ providers: INSTALLED_PROVIDERS, latencyMs: Number(process.env.SANDBOX_LATENCY_MS ?? 0) });
  const secrets = sandbox.accounts
    .map((a) => `${a.provider}_${a.accountId}_SECRET`.toUpperCase().replace(/[^A-Z0-9_]/g, '_') + `=${a.secret}`)
    .join(' ');
  process.stdout.write(
    [
      'Sandbox providers on loopback (Ctrl-C to stop). In another terminal:',
      '',
      `  ${Object.entries(sandbox.env).map(([name, value]) => `${name}=${value}`).join(' ')} \\`,
      `  ${secrets} \\`,
      '  ACCOUNTS_FILE=accounts.example.yaml npm start',
      '',
      'Demo accounts:',
      ...sandbox.accounts.map((a) => `  ${a.provider} ${a.accountId}: ${a.description}`),
      '',
    ].join('\n'),
  );
  const stop = () => void sandbox.close().then(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

void run();
