import { closeSync, fsyncSync, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type * as AuditInsertModule from '../src/audit/insert.js';
import type * as OpenModule from '../src/db/open.js';
import type * as TokenRowsModule from '../src/refresh/token-rows.js';
import { distDir } from './lib/modules.js';
import { cleanUp, scratchPath } from './lib/scratch.js';

/**
 * `npm run bench:durability`: what SQLite's `synchronous = FULL` costs the broker's writes against
 * `NORMAL`, on a file on this machine's disk (issue #11 item 7, README "Storage"). It times,
 * sequentially and for BENCH_DURATION seconds each (default 5):
 *   - token commits (the refresh's versioned update of a connection row): commits a second, and
 *     the time each holds the event loop (better-sqlite3 waits for the disk on the main thread);
 *   - audit batches of 200 rows (the hand-out's only writes: at most one batch per 200 ms);
 * with the CPU time each takes (waiting for the disk is not CPU), and the disk's bare fsync.
 */

const seconds = Number(process.env.BENCH_DURATION ?? 5);
const load = async <T>(path: string) => (await import(pathToFileURL(join(distDir, path)).href)) as T;
const { openDatabase } = await load<typeof OpenModule>('db/open.js');
const { createTokenRows } = await load<typeof TokenRowsModule>('refresh/token-rows.js');
const { createAuditInsert } = await load<typeof AuditInsertModule>('audit/insert.js');

const ROWS = 2_000;
const database = openDatabase(scratchPath('durability', 'custodian.db'));
await database.migrate();
const sqlite = database.sqlite!;
const seed = sqlite.prepare(
  `insert into connections (id, tenant, provider_id, end_user, account_id, scopes, status, access_token,
   refresh_token, token_type, expires_at, created_at, updated_at)
   values (?, 'acme', 'dropbox', 'u', ?, '["files"]', 'active', ?, ?, 'Bearer', 0, 0, 0)`,
);
sqlite.transaction(() => {
  for (let i = 0; i < ROWS; i++) seed.run(`conn_${i}`, `acct_${i}`, 'x'.repeat(300), 'y'.repeat(300));
})();
const rows = createTokenRows(database);
const audit = createAuditInsert(database);
const versions = new Array<number>(ROWS).fill(0);

interface Timing {
  perSecond: number;
  meanMs: number;
  p99Ms: number;
  cpuMicros: number;
}

async function time(work: (i: number) => Promise<void>): Promise<Timing> {
  const waits: number[] = [];
  const cpu = process.cpuUsage();
  const started = performance.now();
  for (let i = 0; performance.now() - started < seconds * 1000; i++) {
    const at = performance.now();
    await work(i);
    waits.push(performance.now() - at);
  }
  const elapsed = performance.now() - started;
  const used = process.cpuUsage(cpu);
  waits.sort((a, b) => a - b);
  return {
    perSecond: (waits.length / elapsed) * 1000,
    meanMs: waits.reduce((a, b) => a + b, 0) / waits.length,
    p99Ms: waits[Math.floor(waits.length * 0.99)]!,
    cpuMicros: (used.user + used.system) / waits.length,
  };
}

const commit = async (i: number) => {
  const n = i % ROWS;
  const token = `access-${i}-${'z'.repeat(280)}`;
  const ok = await rows.commitRefresh(
    `conn_${n}`,
    versions[n]!,
    {
      accessToken: token,
      refreshToken: token,
      tokenType: 'Bearer',
      expiresAt: i,
      scopes: null,
      issuedAt: i,
      refreshTokenExpiresAt: null,
      usedAt: null,
      nextRefreshAt: i,
    },
    Date.now(),
  );
  if (!ok) throw new Error('a commit lost its version');
  versions[n]! += 1;
};
let auditId = 0;
const batch = async () => {
  const now = Date.now();
  await audit(
    Array.from({ length: 200 }, () => ({
      id: `evt_${auditId++}`,
      at: now,
      actorType: 'client',
      actorId: 'client_backup',
      action: 'connection.token_issued',
      targetType: 'connection',
      targetId: `conn_${auditId % ROWS}`,
      tenant: 'acme',
      outcome: 'success',
      details: '{"count":12,"last_at":0}',
    })),
  );
};

// The disk's own answer, for comparison: an fsync after a 4 KiB append, as a FULL commit does.
const raw = openSync(scratchPath('durability', 'fsync.bin'), 'a');
const block = Buffer.alloc(4096, 1);
const fsync = await time(async () => {
  writeSync(raw, block);
  fsyncSync(raw);
});
closeSync(raw);
const results: string[] = [
  `fsync   ${fsync.perSecond.toFixed(0)}/s, ${fsync.meanMs.toFixed(2)} ms each (p99 ${fsync.p99Ms.toFixed(1)})`,
];
for (const mode of ['NORMAL', 'FULL', 'NORMAL', 'FULL']) {
  sqlite.pragma(`synchronous = ${mode}`);
  const c = await time(commit);
  const a = await time(batch);
  results.push(
    `${mode.padEnd(6)}  token commits ${c.perSecond.toFixed(0).padStart(6)}/s, ` +
      `${c.meanMs.toFixed(2)} ms each (p99 ${c.p99Ms.toFixed(1)}), ${c.cpuMicros.toFixed(0)} µs CPU; ` +
      `audit batches of 200: ${a.meanMs.toFixed(2)} ms each (p99 ${a.p99Ms.toFixed(1)}), ${a.cpuMicros.toFixed(0)} µs CPU`,
  );
  process.stderr.write(`${results.at(-1)}\n`);
}
const folder = scratchPath('durability');
await database.close();
await cleanUp();
process.stdout.write(
  `\nSQLite durability on node ${process.version}, ${seconds} s per measure, WAL in ${folder}:\n${results.join('\n')}\n`,
);
