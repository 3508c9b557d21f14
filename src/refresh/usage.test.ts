import { describe, expect, it } from 'vitest';
import { createUsageRecorder } from './usage.js';

describe('the usage recorder', () => {
  it('writes each noted connection once per ten minutes, in statements of at most 500', async () => {
    const writes: string[][] = [];
    const usage = createUsageRecorder({ recordUse: async (ids) => void writes.push([...ids]) });
    const t0 = 1_900_000_000_000;
    for (let i = 0; i < 1200; i++) usage.noteHandOut(`c${i}`, t0);
    usage.noteHandOut('c0', t0 + 1);
    await usage.write(t0 + 5_000);
    expect(writes.map((w) => w.length)).toEqual([500, 500, 200]);
    expect(new Set(writes.flat()).size).toBe(1200);

    // Handed out again within ten minutes: nothing to write.
    writes.length = 0;
    for (let i = 0; i < 1200; i++) usage.noteHandOut(`c${i}`, t0 + 60_000);
    await usage.write(t0 + 65_000);
    expect(writes).toEqual([]);
    // After ten minutes, written again.
    usage.noteHandOut('c7', t0 + 5_000 + 600_000);
    await usage.write(t0 + 700_000);
    expect(writes).toEqual([['c7']]);
  });

  it('keeps what a failed write held for the next round', async () => {
    let fail = true;
    const written: string[] = [];
    const usage = createUsageRecorder({
      recordUse: async (ids) => {
        if (fail) throw new Error('database down');
        written.push(...ids);
      },
    });
    usage.noteHandOut('c1', 0);
    await expect(usage.write(1)).rejects.toThrow('database down');
    fail = false;
    await usage.write(2);
    expect(written).toEqual(['c1']);
  });
});
