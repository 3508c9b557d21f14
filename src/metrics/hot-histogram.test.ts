import { Histogram, Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { HotHistogram } from './hot-histogram.js';

/** The hot histogram must expose exactly what prom-client's own Histogram would for the same observations. */

const BUCKETS = [0.001, 0.01, 0.1, 1];
const observations: Array<[string, string, number]> = [
  ['GET', '200', 0.0005],
  ['GET', '200', 0.001], // on a bound: counted in that bucket (le is "less or equal")
  ['GET', '200', 0.05],
  ['GET', '404', 0.2],
  ['POST', '200', 7], // above every bound: only +Inf
  ['POST', '200', 0.000_01],
];

describe('HotHistogram', () => {
  it('writes the same exposition as prom-client’s Histogram', async () => {
    const ours = new Registry();
    const hot = new HotHistogram('t_seconds', 'help text', ['method', 'status'], BUCKETS, ours);
    const theirs = new Registry();
    const reference = new Histogram({
      name: 't_seconds',
      help: 'help text',
      labelNames: ['method', 'status'],
      buckets: BUCKETS,
      registers: [theirs],
    });
    for (const [method, status, seconds] of observations) {
      hot.child(method, status).observe(seconds);
      reference.labels(method, status).observe(seconds);
    }
    const text = await ours.metrics();
    expect(text).toBe(await theirs.metrics());
    expect(text).toContain('t_seconds_bucket{le="0.001",method="GET",status="200"} 2');
    expect(text).toContain('t_seconds_bucket{le="+Inf",method="POST",status="200"} 2');
    expect(text).toContain('t_seconds_sum{method="POST",status="200"} 7.00001');
    // The JSON form too (getMetricsAsJSON): every label on every value. Exemplars are off in both.
    const withoutExemplars = (metrics: Awaited<ReturnType<Registry['getMetricsAsJSON']>>) =>
      metrics.map((m) => ({
        ...m,
        values: m.values.map((v) => {
          const { exemplar: _, ...rest } = v as typeof v & { exemplar?: unknown };
          return rest;
        }),
      }));
    expect(await ours.getMetricsAsJSON()).toEqual(withoutExemplars(await theirs.getMetricsAsJSON()));
  });

  it('resolves each label combination once and refuses a wrong number of values', () => {
    const hot = new HotHistogram('u_seconds', 'help', ['method'], BUCKETS, new Registry());
    expect(hot.child('GET')).toBe(hot.child('GET'));
    expect(() => hot.child('GET', 'extra')).toThrow(/takes 1 label values/);
  });

  it('ignores a value that is not a finite number instead of poisoning the sum', async () => {
    const registry = new Registry();
    const hot = new HotHistogram('v_seconds', 'help', ['method'], BUCKETS, registry);
    hot.child('GET').observe(Number.NaN);
    hot.child('GET').observe(0.5);
    expect(await registry.metrics()).toContain('v_seconds_count{method="GET"} 1');
  });
});
