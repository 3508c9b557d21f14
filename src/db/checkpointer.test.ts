import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { silentLogger } from '../log/logger.js';

// The built modules (npm test builds first): the checkpointer starts its thread from the
// JavaScript file next to it. Named at run time, so that type-checking does not need a build.
const built = (module: string) => new URL(`../../dist/db/${module}`, import.meta.url).href;
const { startCheckpointer } = (await import(built('checkpointer.js'))) as typeof import('./checkpointer.js');
const { openDatabase } = (await import(built('open.js'))) as typeof import('./open.js');

/** SQLite's checkpoints on a thread of their own: the serving connection never runs one. */

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

it('keeps the WAL short while the serving connection writes, and hands checkpoints back when stopped', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'custodian-checkpoint-'));
  dirs.push(dir);
  const path = join(dir, 'custodian.db');
  const database = openDatabase(path);
  const client = database.sqlite!;
  client.exec('create table blobs (data blob not null)');
  const checkpointer = startCheckpointer(database, silentLogger, 20);
  expect(client.pragma('wal_autocheckpoint', { simple: true })).toBe(0);

  // 16 MiB in 32 commits: with no checkpoint at all the WAL would hold all of it.
  const insert = client.prepare('insert into blobs (data) values (?)');
  const commit = client.transaction((rows: number) => {
    for (let i = 0; i < rows; i++) insert.run(Buffer.alloc(4096, i));
  });
  let largestWal = 0;
  for (let i = 0; i < 32; i++) {
    commit(128);
    largestWal = Math.max(largestWal, statSync(`${path}-wal`).size);
    await pause(30);
  }
  expect(largestWal, 'largest WAL, bytes').toBeLessThan(4 * 1024 * 1024);
  expect((client.prepare('select count(*) as n from blobs').get() as { n: number }).n).toBe(32 * 128);

  await checkpointer.stop();
  expect(client.pragma('wal_autocheckpoint', { simple: true })).toBe(1000);
  await database.close();
});
