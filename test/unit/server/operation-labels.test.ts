import { OperationLabels } from '../../../src/server/operation-labels';

/** A label budget on a clock the test moves. */
function budget(capacity: number, halfLifeMs = 60_000) {
  let now = 0;
  const evicted: string[] = [];
  const labels = new OperationLabels({ capacity, tracked: capacity * 5, halfLifeMs, now: () => now, onEvict: (name) => evicted.push(name) });
  return {
    labels,
    evicted,
    advance: (ms: number) => void (now += ms),
    send: (name: string, times = 1) => {
      let label = '';
      for (let i = 0; i < times; i += 1) label = labels.label(name, 'anonymous');
      return label;
    },
  };
}

describe('OperationLabels', () => {
  it('labels well-formed names while there is room; no name is "anonymous", a malformed one "other"', () => {
    const { send, labels } = budget(3);
    expect(send('Accounts')).toBe('Accounts');
    expect(labels.label(null, 'anonymous')).toBe('anonymous');
    expect(send('bad name')).toBe('other');
    expect(send(`A${'a'.repeat(64)}`)).toBe('other');
  });

  it('junk names sent once each cannot keep a real operation out: it wins a slot within three requests', () => {
    const { send, labels, advance } = budget(200);
    for (let i = 0; i < 205; i += 1) {
      advance(1);
      send(`Junk${i}`);
    }
    advance(1);
    const seen = [send('BillingPage'), send('BillingPage'), send('BillingPage')];
    expect(seen.at(-1)).toBe('BillingPage');
    expect(labels.labelled().size).toBe(200);
  });

  it('a steady operation keeps its label through a flood of junk sent once or twice each', () => {
    const { send, labels, advance } = budget(10);
    for (let minute = 0; minute < 30; minute += 1) {
      for (let i = 0; i < 3; i += 1) expect(send('Steady')).toBe('Steady');
      for (let i = 0; i < 100; i += 1) send(`Junk${minute}_${i}`, 1 + (i % 2));
      advance(60_000);
    }
    expect(labels.labelled().has('Steady')).toBe(true);
    expect(labels.labelled().size).toBe(10);
  });

  it('volume decays: a name nobody sends any more gives its slot to one that is sent, and is told evicted', () => {
    const { send, labels, advance, evicted } = budget(2, 60_000);
    send('Old', 1_000);
    send('Other', 1_000);
    advance(60 * 60_000); // an hour: 60 half-lives
    expect(send('New', 3)).toBe('New');
    expect(labels.labelled().has('New')).toBe(true);
    expect(evicted).toHaveLength(1);
    expect(['Old', 'Other']).toContain(evicted[0]);
  });

  it('stays bounded, and its weights finite, over a long run of distinct names', () => {
    const { send, labels, advance } = budget(50, 1_000);
    for (let i = 0; i < 20_000; i += 1) {
      advance(50);
      send(`N${i % 5_000}`);
      expect(labels.labelled().size).toBeLessThanOrEqual(50);
    }
    // 1000 s at a 1 s half-life is far past where 2^t overflows a double without rescaling.
    expect(send('Late', 3)).toBe('Late');
  });
});
