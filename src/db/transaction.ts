import type { Database } from './open.js';

/** What a statement inside a transaction runs on: the same builders as `Database['db']`. */
export type Tx = Pick<Database['db'], 'select' | 'insert' | 'update' | 'delete' | 'selectDistinct'>;
export type Transact = <T>(work: (tx: Tx) => Promise<T>) => Promise<T>;

/**
 * One transaction runner per database handle; create it once and share it.
 *
 * Postgres: drizzle's transaction on one pooled client. SQLite: drizzle's
 * better-sqlite3 transaction cannot await, so this opens `BEGIN IMMEDIATE`
 * on the single connection and queues callers, one transaction at a time.
 * The work must be database statements only (no network, no timers): its
 * awaits then settle within one turn of the event loop, so no request
 * handler runs in between. A statement from a promise chain already queued
 * in that same turn would join the transaction; callers keep their work to
 * a few statements so that window stays as small as it can be.
 */
export function createTransact(database: Database): Transact {
  if (database.engine === 'postgres') return (work) => database.db.transaction((tx) => work(tx));
  const client = database.sqlite;
  if (!client) throw new Error('a SQLite handle without its client');
  let tail: Promise<unknown> = Promise.resolve();
  return <T>(work: (tx: Tx) => Promise<T>) => {
    const run = async (): Promise<T> => {
      client.exec('BEGIN IMMEDIATE');
      try {
        const result = await work(database.db);
        client.exec('COMMIT');
        return result;
      } catch (error) {
        if (client.inTransaction) client.exec('ROLLBACK');
        throw error;
      }
    };
    const result = tail.then(run, run);
    tail = result.catch(() => {});
    return result;
  };
}
