import { loadConfig } from '../../src/config/config';
import { createApp } from '../../src/server/app';
import { createLogger } from '../../src/server/logger';

// Credentials must not cross a network in clear without someone being told, at start-up.
async function startupLines(env: Record<string, string>): Promise<Array<Record<string, unknown>>> {
  const lines: string[] = [];
  const app = await createApp({
    config: loadConfig(env),
    accounts: [],
    logger: createLogger({ level: 'info', destination: { write: (line: string) => void lines.push(line) } }),
  });
  await app.close();
  return lines.map((line) => JSON.parse(line) as Record<string, unknown>);
}

test('a plain-HTTP provider on a remote host is a start-up warning naming the provider', async () => {
  const lines = await startupLines({}); // the documented defaults: Digidonar https, Simpsy http
  const warnings = lines.filter((line) => line.level === 40 && String(line.msg).includes('plain HTTP'));
  expect(warnings).toHaveLength(1);
  expect(warnings[0]).toMatchObject({ provider: 'Simpsy', host: 'voice.simpsy.com' });
});

test('https, or a loopback sandbox, raises no transport warning', async () => {
  const lines = await startupLines({
    SIMPSY_BASE_URL: 'https://voice.simpsy.com/api/v1',
    DIGIDONAR_BASE_URL: 'http://127.0.0.1:9',
  });
  expect(lines.filter((line) => String(line.msg).includes('plain HTTP'))).toEqual([]);
});

test('the start-up log says when auth and the router secret are off', async () => {
  const messages = (await startupLines({})).map((line) => String(line.msg));
  expect(messages).toContainEqual(expect.stringContaining('JWT auth off'));
  expect(messages).toContainEqual(expect.stringContaining('no ROUTER_SECRET'));
});
