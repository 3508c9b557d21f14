import { parentPort, workerData } from 'node:worker_threads';
import BetterSqlite3 from 'better-sqlite3';

/**
 * The checkpointer's thread (see checkpointer.ts): its own connection to the
 * SQLite file, a passive checkpoint every `intervalMs`. Passive: it never
 * waits for the serving connection, and takes only what no reader needs.
 */

const { path, intervalMs } = workerData as { path: string; intervalMs: number };
const db = new BetterSqlite3(path);
db.pragma('busy_timeout = 5000');

const timer = setInterval(() => {
  db.pragma('wal_checkpoint(PASSIVE)');
}, intervalMs);

parentPort!.on('message', (message: unknown) => {
  if (message !== 'stop') return;
  clearInterval(timer);
  db.close();
  parentPort!.close();
});
