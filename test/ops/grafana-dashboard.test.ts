import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { request } from 'undici';
import { startHarness, type Harness } from '../support/harness';

// The dashboard must show the billing subgraph's series only: a Prometheus that scrapes other
// Node services has process_* and nodejs_* series (and maybe billing_* from another deployment)
// under other jobs, which would otherwise mix into every panel.
const PATH = resolve(__dirname, '..', '..', 'ops', 'grafana', 'billing-subgraph.json');

interface Panel {
  title?: string;
  targets?: Array<{ expr?: string }>;
  panels?: Panel[];
}

const dashboard = JSON.parse(readFileSync(PATH, 'utf8')) as {
  panels: Panel[];
  templating: { list: Array<{ name: string; type: string; query?: { query?: string } | string; current?: { value?: unknown } }> };
};

function exprs(panels: Panel[]): Array<{ panel: string; expr: string }> {
  return panels.flatMap((panel) => [
    ...(panel.targets ?? []).filter((t) => t.expr).map((t) => ({ panel: panel.title ?? '?', expr: t.expr! })),
    ...exprs(panel.panels ?? []),
  ]);
}

// PromQL words that are never metric names here: modifiers, set operators, and the aggregation
// operators (written `sum by (…) (…)`, so the name is not directly followed by a parenthesis).
const KEYWORDS = new Set([
  'by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'bool', 'and', 'or', 'unless', 'offset', 'inf', 'nan',
  'sum', 'min', 'max', 'avg', 'group', 'stddev', 'stdvar', 'count', 'count_values', 'bottomk', 'topk', 'quantile', 'limitk', 'limit_ratio',
]);

/** Index of the `}` that closes the matchers opened at `open`, skipping quoted label values. */
function closingBrace(expr: string, open: number): number {
  for (let i = open + 1; i < expr.length; i += 1) {
    const c = expr[i]!;
    if (c === '"' || c === "'") {
      for (i += 1; i < expr.length && expr[i] !== c; i += 1) if (expr[i] === '\\') i += 1;
    } else if (c === '}') {
      return i;
    }
  }
  throw new Error(`unclosed matchers in ${expr}`);
}

/** Each metric selector in a PromQL expression: the metric name and its matchers ('' when it has none). */
function selectors(expr: string): Array<{ metric: string; matchers: string }> {
  const found: Array<{ metric: string; matchers: string }> = [];
  let i = 0;
  while (i < expr.length) {
    const c = expr[i]!;
    if (c === '"' || c === "'") {
      i = expr.indexOf(c, i + 1) + 1;
    } else if (c === '[') {
      i = expr.indexOf(']', i) + 1;
    } else if (c === '{') {
      // A selector without a metric name ({__name__=~"…"}): counted, so it needs the job matcher too.
      const end = closingBrace(expr, i);
      found.push({ metric: '', matchers: expr.slice(i + 1, end) });
      i = end + 1;
    } else if (/[a-zA-Z_:]/.test(c)) {
      const name = /^[a-zA-Z_:][a-zA-Z0-9_:]*/.exec(expr.slice(i))![0];
      let j = i + name.length;
      while (expr[j] === ' ') j += 1;
      const inGrouping = /\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*$/.test(expr.slice(0, i));
      if (expr[j] === '(' || KEYWORDS.has(name.toLowerCase()) || inGrouping) {
        i += name.length;
      } else if (expr[j] === '{') {
        const end = closingBrace(expr, j);
        found.push({ metric: name, matchers: expr.slice(j + 1, end) });
        i = end + 1;
      } else {
        found.push({ metric: name, matchers: '' });
        i = j;
      }
    } else {
      i += 1;
    }
  }
  return found;
}

describe('ops/grafana/billing-subgraph.json', () => {
  test('has a job variable that defaults to billing-subgraph (the job deploy/compose/prometheus.yml scrapes)', () => {
    const job = dashboard.templating.list.find((v) => v.name === 'job');
    expect(job?.type).toBe('query');
    expect(job?.current?.value).toBe('billing-subgraph');
  });

  test('every metric selector in every panel query carries job=~"$job"', () => {
    const all = exprs(dashboard.panels);
    expect(all.length).toBeGreaterThan(20);
    for (const { panel, expr } of all) {
      const found = selectors(expr);
      expect([panel, found.length > 0]).toEqual([panel, true]);
      for (const { metric, matchers } of found) {
        expect([panel, metric, matchers]).toEqual([panel, metric, expect.stringContaining('job=~"$job"')]);
      }
    }
  });

  test('the instance and provider variables list values of that job only', () => {
    for (const variable of dashboard.templating.list.filter((v) => v.type === 'query' && v.name !== 'job')) {
      const query = typeof variable.query === 'string' ? variable.query : (variable.query?.query ?? '');
      expect([variable.name, query]).toEqual([variable.name, expect.stringContaining('{job=~"$job"}')]);
    }
  });

  test('the selector reader finds what it must (so the check above cannot pass by reading nothing)', () => {
    expect(selectors('sum by (le, provider) (rate(a_bucket{job=~"$job", x="}"}[5m])) / b + on (instance) c{y="1"}')).toEqual([
      { metric: 'a_bucket', matchers: 'job=~"$job", x="}"' },
      { metric: 'b', matchers: '' },
      { metric: 'c', matchers: 'y="1"' },
    ]);
  });

  describe('against the running app', () => {
    let harness: Harness;
    beforeAll(async () => {
      harness = await startHarness();
    });
    afterAll(async () => {
      await harness.close();
    });

    test('every metric the dashboard queries is one GET /metrics exports', async () => {
      const response = await request(harness.url.replace('/graphql', '/metrics'));
      const text = await response.body.text();
      const exported = new Set([...text.matchAll(/^# TYPE (\S+) /gm)].map((m) => m[1]!));
      const used = new Set(exprs(dashboard.panels).flatMap(({ expr }) => selectors(expr).map((s) => s.metric)));
    expect(used.has('')).toBe(false);
      for (const metric of used) {
        const base = metric.replace(/_(bucket|sum|count)$/, '');
        expect([metric, exported.has(metric) || exported.has(base)]).toEqual([metric, true]);
      }
    });
  });
});
