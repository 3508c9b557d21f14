import type { TokenRows } from './token-rows.js';

/**
 * Which connections are in use, written without a database write per
 * hand-out: a hand-out only notes the id in memory (one Map lookup), and the
 * background refresher writes the noted ids in one statement per 500 at the
 * start of each round (every few seconds). A connection already written by
 * this replica within `REWRITE_MS` is not noted again, so a busy connection
 * costs one row write per ten minutes per replica, whatever its hand-out
 * rate: the two-hour in-use window (schedule.ts) needs no finer record.
 */

const REWRITE_MS = 10 * 60_000;
const PER_STATEMENT = 500;

export interface UsageRecorder {
  /** A hand-out of `id` at `now`: cheap, synchronous, never fails. */
  noteHandOut(id: string, now: number): void;
  /** Writes what was noted since the last write. */
  write(now: number): Promise<void>;
}

export function createUsageRecorder(rows: Pick<TokenRows, 'recordUse'>): UsageRecorder {
  const pending = new Set<string>();
  /** When this replica last wrote each connection's use. */
  const written = new Map<string, number>();

  return {
    noteHandOut(id, now) {
      const last = written.get(id);
      if (last === undefined || now - last >= REWRITE_MS) pending.add(id);
    },
    async write(now) {
      if (written.size > 0) {
        // Forget old marks, so the map holds only the connections used in the last ten minutes.
        for (const [id, at] of written) if (now - at >= REWRITE_MS) written.delete(id);
      }
      const ids = [...pending];
      pending.clear();
      for (let at = 0; at < ids.length; at += PER_STATEMENT) {
        const batch = ids.slice(at, at + PER_STATEMENT);
        try {
          await rows.recordUse(batch, now);
          for (const id of batch) written.set(id, now);
        } catch (error) {
          // Noted again for the next round: a lost record only delays a renewal plan.
          for (const id of batch) pending.add(id);
          throw error;
        }
      }
    },
  };
}
