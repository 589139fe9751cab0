import { DateTime } from 'luxon';
import { loadConfig } from '../../src/config/config';
import { ConfigError } from '../../src/config/config-error';
import { InsightsDocument } from '../generated/operations';
import { startHarness, type Harness } from '../support/harness';

let harness: Harness;

beforeAll(async () => {
  harness = await startHarness();
});

afterAll(() => harness.close());

describe('insight fields over GraphQL', () => {
  test('1512093: SMS and OBD exhausted, calls low, validity expired', async () => {
    const { data, errors } = await harness.query(InsightsDocument, { provider: 'DIGIDONAR', accountId: '1512093' });
    expect(errors).toBeUndefined();
    const account = data!.account!;
    const coins = Object.fromEntries(account.coins!.map((c) => [c.kind, c]));
    expect(coins.SMS).toEqual({ kind: 'SMS', purchased: 2000, available: 0, usedPercent: 100, remainingPercent: 0, status: 'EXHAUSTED' });
    // Nothing purchased, nothing available: exhausted, but no percentages to speak of.
    expect(coins.OBD).toMatchObject({ usedPercent: null, remainingPercent: null, status: 'EXHAUSTED' });
    expect(coins.CALL).toMatchObject({ usedPercent: 96.07, remainingPercent: 3.93, status: 'LOW' });
    expect(coins.VOIP).toMatchObject({ remainingPercent: 8.4, status: 'LOW' });
    expect(coins.CLICK_TO_CALL).toMatchObject({ usedPercent: 0, remainingPercent: 100, status: 'OK' });
    expect(account.validity?.status).toBe('EXPIRED');
    expect(account.validity?.daysUntilExpiry).toBeLessThan(0);
    expect(account.monthlyCharges).toBeNull();
  });

  test('1620451: valid until 2031, days counted in Asia/Kolkata', async () => {
    const { data, errors } = await harness.query(InsightsDocument, { provider: 'DIGIDONAR', accountId: '1620451' });
    expect(errors).toBeUndefined();
    const validity = data!.account!.validity!;
    expect(validity.expiresAt).toEqual({ instant: '2031-03-31T18:29:59.000Z', timeZone: 'Asia/Kolkata' });
    expect(validity.status).toBe('ACTIVE');
    // Within a second of the request, so around midnight in Kolkata either count is right.
    const days = (at: DateTime) =>
      Math.round(DateTime.fromISO('2031-03-31', { zone: 'Asia/Kolkata' }).diff(at.setZone('Asia/Kolkata').startOf('day'), 'days').days);
    const now = DateTime.now();
    expect([days(now.minus({ seconds: 30 })), days(now)]).toContain(validity.daysUntilExpiry);
    expect(data!.account!.coins!.every((c) => c.status === 'OK')).toBe(true);
  });

  test("acme-voice's charges MATCH", async () => {
    const { data, errors } = await harness.query(InsightsDocument, { provider: 'SIMPSY', accountId: 'acme-voice' });
    expect(errors).toBeUndefined();
    expect(data!.account!.monthlyCharges).toEqual({ difference: { amount: '0.00' }, matches: true, status: 'MATCHES' });
    expect(data!.account!.coins).toBeNull();
    expect(data!.account!.validity).toBeNull();
  });

  test('thresholds come from the environment, per coin kind', async () => {
    const custom = await startHarness({
      env: { COIN_LOW_THRESHOLD_PERCENT: '2', COIN_LOW_THRESHOLD_PERCENT_VOIP: '50', VALIDITY_EXPIRING_SOON_DAYS: '3650' },
    });
    try {
      const { data, errors } = await custom.query(InsightsDocument, { provider: 'DIGIDONAR', accountId: '1620451' });
      expect(errors).toBeUndefined();
      const statuses = Object.fromEntries(data!.account!.coins!.map((c) => [c.kind, c.status]));
      expect(statuses).toEqual({ SMS: 'OK', OBD: 'OK', VOIP: 'OK', CLICK_TO_CALL: 'OK', CALL: 'OK' });
      expect(data!.account!.validity?.status).toBe('EXPIRING_SOON');
      const lapsed = await custom.query(InsightsDocument, { provider: 'DIGIDONAR', accountId: '1512093' });
      const byKind = Object.fromEntries(lapsed.data!.account!.coins!.map((c) => [c.kind, c.status]));
      // CALL at 3.93% is above 2%; VOIP at 8.4% is below its own 50%.
      expect(byKind).toMatchObject({ CALL: 'OK', VOIP: 'LOW', SMS: 'EXHAUSTED' });
    } finally {
      await custom.close();
    }
  });
});

describe('insight settings', () => {
  test('defaults: 10% for every coin kind, 14 days', () => {
    const config = loadConfig({});
    expect(config.coinLowThresholdPercent).toEqual({ SMS: 10, OBD: 10, VOIP: 10, CLICK_TO_CALL: 10, CALL: 10 });
    expect(config.validityExpiringSoonDays).toBe(14);
  });

  test('the shared variable sets every kind; a per-kind one overrides; empty means unset', () => {
    const config = loadConfig({ COIN_LOW_THRESHOLD_PERCENT: '5', COIN_LOW_THRESHOLD_PERCENT_SMS: '20.5', COIN_LOW_THRESHOLD_PERCENT_OBD: '' });
    expect(config.coinLowThresholdPercent).toEqual({ SMS: 20.5, OBD: 5, VOIP: 5, CLICK_TO_CALL: 5, CALL: 5 });
  });

  test('bad values are refused, naming the variable', () => {
    expect(() => loadConfig({ COIN_LOW_THRESHOLD_PERCENT_SMS: '101' })).toThrow(ConfigError);
    expect(() => loadConfig({ COIN_LOW_THRESHOLD_PERCENT: 'ten' })).toThrow(/COIN_LOW_THRESHOLD_PERCENT:/);
    expect(() => loadConfig({ VALIDITY_EXPIRING_SOON_DAYS: '-1' })).toThrow(/VALIDITY_EXPIRING_SOON_DAYS/);
  });
});
