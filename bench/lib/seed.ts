import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, openSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import BetterSqlite3 from 'better-sqlite3';
import pg from 'pg';
import type { VaultKey } from '../../src/vault/keys.js';
import { config, type Engine } from './config.js';
import type { BrokerModules } from './modules.js';

/**
 * Seeds connections the way the broker stores them: the real schema (column
 * names read from the broker's drizzle tables), tokens sealed by the real
 * Vault at `tokenLocation(id, column)`, `next_refresh_at` from the real
 * scheduler. Fast paths: one prepared insert in big transactions on SQLite,
 * multi-row `insert … select * from unnest(…)` on Postgres. Sealing costs
 * more than inserting, so worker threads share the rows; on SQLite they take
 * turns holding the write lock while the others encrypt their next batch.
 */

export interface SeedSpec {
  engine: Engine;
  url: string;
  /** Indexes [from, from + count) name the rows (account ids, end users). */
  from: number;
  count: number;
  providerId: string;
  /** The broker's vault keys (the first encrypts). */
  vaultKeys: VaultKey[];
  /** Access-token expiry of every row. */
  expiresAt: number;
  /** When every row's access token was issued (and the grant made); the seeding's start if omitted. */
  issuedAt?: number;
  /** Overrides the scheduler: the refresh test makes every row due now. */
  nextRefreshAt?: number;
  /**
   * Seeds the rows as handed out at this time (in use), not as never used. The hand-out runs use it:
   * 1,000 idle rows that all become in use at their first hand-out make the background refresher
   * plan 1,000 renewals at once (about 0.8 s of CPU), a one-off that would land in a measured round.
   */
  lastUsedAt?: number;
  /** Row i's plaintext refresh token is `${prefix}${i}` (the refresh test's fake provider recognises them). */
  refreshTokenPrefix?: string;
  /** Seeds each row as a broker that has run for days holds it at `steady.at` (see `SteadyState`); overrides `expiresAt`. */
  steady?: SteadyState;
}

/**
 * The refresh-load part's rows: what a broker that has run for days holds at `at`. Each grant was
 * made days before at a random moment and renewed since exactly when the broker's own renewal plan
 * (`planRenewal`) said, so its token's age, and its next renewal, fall anywhere in its cycle: no
 * burst of renewals at the start that a real broker would not see. `inUse` of the `total` rows
 * (evenly spread, `isInUse`) are handed out every `handOutEveryMs`, each at its own phase
 * (`handOutPhase`), the last time before `at`; the others are idle and were never handed out.
 */
export interface SteadyState {
  at: number;
  tokenLifetimeMs: number;
  inUse: number;
  total: number;
  handOutEveryMs: number;
}

/** Whether row `i` is one of the rows in use: `inUse` of `total`, evenly spread over the indexes. */
export const isInUse = (i: number, s: Pick<SteadyState, 'inUse' | 'total'>): boolean =>
  (i * s.inUse) % s.total < s.inUse;

/** Where in each hand-out period row `i` is handed out, in [0, 1): fixed per row (Fibonacci hashing). */
export const handOutPhase = (i: number): number => (Math.imul(i + 1, 0x9e3779b1) >>> 0) / 2 ** 32;

export interface WorkerTask extends SeedSpec {
  batchSize: number;
}

export const SCOPES = ['account_info.read', 'files.content.read', 'files.content.write'];

/**
 * CSPRNG bytes handed out from 64 KiB refills: one `randomBytes` call per
 * few hundred rows instead of five per row (each costs microseconds).
 */
export function randomPool(): (size: number) => Uint8Array {
  let pool = randomBytes(65_536);
  let offset = 0;
  return (size) => {
    if (offset + size > pool.length) {
      pool = randomBytes(Math.max(65_536, size));
      offset = 0;
    }
    const out = pool.subarray(offset, offset + size);
    offset += size;
    return out;
  };
}

/** Answers the ids it inserted. Migrates the database first, with the broker's own migrations. */
export async function seedConnections(
  mods: BrokerModules,
  spec: SeedSpec,
  onProgress?: (done: number) => void,
): Promise<string[]> {
  const database = mods.open.openDatabase(spec.url);
  await database.migrate();
  await database.close();

  const batchSize = spec.engine === 'sqlite' ? 10_000 : 5_000;
  const workers = Math.max(1, Math.min(availableParallelism(), Math.ceil(spec.count / batchSize)));
  const share = Math.ceil(spec.count / workers);
  const progress = new Array<number>(workers).fill(0);
  const parts = await Promise.all(
    Array.from({ length: workers }, (_, w) => {
      const from = spec.from + w * share;
      const count = Math.max(0, Math.min(share, spec.from + spec.count - from));
      const task: WorkerTask = { ...spec, from, count, batchSize };
      return new Promise<string[]>((resolve, reject) => {
        const worker = new Worker(new URL('./seed-worker.js', import.meta.url), { workerData: task });
        worker.on('message', (message: { done?: number; ids?: string[] }) => {
          if (message.ids) resolve(message.ids);
          else if (message.done !== undefined) {
            progress[w] = message.done;
            onProgress?.(progress.reduce((a, b) => a + b, 0));
          }
        });
        worker.once('error', reject);
        worker.once('exit', (code) => {
          if (code !== 0) reject(new Error(`seed worker exited with ${code}`));
        });
      });
    }),
  );
  // What a long-running database would look like: WAL folded in and on disk, Postgres statistics current.
  if (spec.engine === 'sqlite') {
    const client = new BetterSqlite3(spec.url);
    client.pragma('wal_checkpoint(TRUNCATE)');
    client.close();
    // The workers wrote without syncing: left dirty in the page cache, those hundreds of megabytes
    // would be flushed by the broker's first checkpoint, a stall of a third of a second (measured)
    // that belongs to the seeding, not to the broker.
    const fd = openSync(spec.url, 'r+');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } else {
    const client = new pg.Client({ connectionString: spec.url });
    await client.connect();
    await client.query('vacuum analyze connections').finally(() => client.end());
  }
  return parts.flat();
}

/**
 * The hand-out runs' rows: `smallConnections` Dropbox connections with four hours left on their
 * tokens, marked in use (see `lastUsedAt`), so no measured round meets a refresh or a renewal plan.
 */
export function seedHandOutRows(
  mods: BrokerModules,
  engine: Engine,
  url: string,
  vaultKeys: VaultKey[],
): Promise<string[]> {
  const now = Date.now();
  return seedConnections(mods, {
    engine,
    url,
    from: 0,
    count: config.smallConnections,
    providerId: 'dropbox',
    vaultKeys,
    expiresAt: now + 4 * 3600 * 1000,
    lastUsedAt: now,
  });
}
