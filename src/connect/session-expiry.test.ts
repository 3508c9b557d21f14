import { afterEach, describe, expect, it, vi } from 'vitest';
import { createLogger } from '../log/logger.js';
import { createSessionExpiry, EXCHANGE_GRACE_MS } from './session-expiry.js';

/**
 * The sweep's schedule around the store (whose statement the contract suite
 * checks on both engines): a backlog is drained batch by batch, a failing
 * database is logged and retried at the next sweep, the timer runs every
 * 30-60 s and stops.
 */

const NOW = 1_718_000_000_000;

function setup(answers: Array<number | Error>, random = () => Buffer.from([0x80, 0, 0, 0])) {
  const calls: Array<{ now: number; grace: number; limit: number }> = [];
  const lines: string[] = [];
  const expiry = createSessionExpiry({
    sessions: {
      expire: async (now, grace, limit) => {
        calls.push({ now, grace, limit });
        const answer = answers.shift() ?? 0;
        if (answer instanceof Error) throw answer;
        return answer;
      },
    },
    now: () => NOW,
    random,
    log: createLogger({ level: 'info', write: (line) => lines.push(line) }),
    batchSize: 2,
  });
  return { expiry, calls, lines };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('connect session expiry sweep', () => {
  it('drains a backlog in batches and stops at the first short one', async () => {
    const { expiry, calls, lines } = setup([2, 2, 1, 7]);
    expect(await expiry.runOnce()).toBe(5);
    expect(calls).toStrictEqual(Array(3).fill({ now: NOW, grace: EXCHANGE_GRACE_MS, limit: 2 }));
    expect(lines.join('\n')).toContain('"count":5');
  });

  it('logs a failed sweep instead of throwing, and sweeps again next time', async () => {
    const { expiry, lines } = setup([new Error('database is locked'), 1]);
    expect(await expiry.runOnce()).toBe(0);
    expect(lines.join('\n')).toContain('connect session expiry sweep failed');
    expect(await expiry.runOnce()).toBe(1);
  });

  it('joins a sweep already under way instead of starting a second one', async () => {
    const { expiry, calls } = setup([1]);
    const [a, b] = await Promise.all([expiry.runOnce(), expiry.runOnce()]);
    expect([a, b]).toStrictEqual([1, 1]);
    expect(calls).toHaveLength(1);
  });

  it('sweeps every 30 to 60 seconds once started, and not after stop', async () => {
    vi.useFakeTimers();
    // The lowest jitter: 30 s.
    const { expiry, calls } = setup([], () => Buffer.alloc(4));
    expiry.start();
    await vi.advanceTimersByTimeAsync(29_000);
    expect(calls).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(1_500);
    expect(calls).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(30_500);
    expect(calls).toHaveLength(2);
    await expiry.stop();
    await vi.advanceTimersByTimeAsync(120_000);
    expect(calls).toHaveLength(2);

    const highest = setup([], () => Buffer.from([0xff, 0xff, 0xff, 0xff]));
    highest.expiry.start();
    await vi.advanceTimersByTimeAsync(59_000);
    expect(highest.calls).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(1_500);
    expect(highest.calls).toHaveLength(1);
    await highest.expiry.stop();
  });
});
