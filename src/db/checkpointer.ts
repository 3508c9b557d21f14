import { once } from 'node:events';
import { Worker } from 'node:worker_threads';
import type { Logger } from '../log/logger.js';
import type { Database } from './open.js';

// SQLite's own default, restored if the thread stops.
const AUTOCHECKPOINT_PAGES = 1000;

/**
 * Takes SQLite's WAL checkpoints off the event loop. By default the
 * connection whose commit takes the WAL past 1,000 pages copies them into
 * the database file and syncs it, inside that request: measured here up to
 * a third of a second with a large file, during which no request is
 * answered. With this, the serving connection never checkpoints; a worker
 * thread with its own connection does, every `intervalMs`, and waits for the
 * disk there. Should the thread fail, commits checkpoint again as before.
 */
export function startCheckpointer(
  database: Database,
  log: Logger,
  intervalMs = 1000,
): { stop(): Promise<void> } {
  const client = database.sqlite;
  // Postgres checkpoints on its own; an in-memory SQLite database has no WAL.
  if (client === undefined || client.memory) return { stop: async () => {} };
  const worker = new Worker(new URL('./checkpoint-worker.js', import.meta.url), {
    workerData: { path: client.name, intervalMs },
  });
  client.pragma('wal_autocheckpoint = 0');
  let running = true;
  const fallBack = () => {
    if (!running) return;
    running = false;
    if (client.open) client.pragma(`wal_autocheckpoint = ${AUTOCHECKPOINT_PAGES}`);
  };
  worker.on('error', (error) => {
    log.error('the SQLite checkpointer failed; commits checkpoint again', { error });
    fallBack();
  });
  worker.on('exit', fallBack);
  return {
    async stop() {
      if (!running) return;
      const exited = once(worker, 'exit');
      worker.postMessage('stop');
      await exited;
    },
  };
}
