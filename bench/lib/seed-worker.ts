import { parentPort, workerData } from 'node:worker_threads';
import BetterSqlite3 from 'better-sqlite3';
import { getTableColumns } from 'drizzle-orm';
import pg from 'pg';
import { brokerModules } from './modules.js';
import { handOutPhase, isInUse, randomPool, SCOPES, type SteadyState, type WorkerTask } from './seed.js';

/** One seeding thread: seals its share of the rows and inserts them (see seed.ts). */

const task = workerData as WorkerTask;
const mods = await brokerModules();
const random = randomPool();
const vault = new mods.vault.Vault(task.vaultKeys, random);
const columns = getTableColumns(mods.pgSchema.connections);
const names = Object.values(columns).map((c) => c.name);
const now = Date.now();
const scopes = JSON.stringify(SCOPES);
const pad = (n: number) => String(n).padStart(8, '0');
const ids: string[] = [];

type Value = string | number | null;

/** A grant at a custom provider: the broker's defaults. */
const policy = {
  expiry_buffer_seconds: 300,
  refresh_token_idle_seconds: mods.schedule.DEFAULT_REFRESH_TOKEN_IDLE_SECONDS,
  refresh_token_max_seconds: null,
};
const DAY_MS = 86_400_000;

interface Times {
  expiresAt: number;
  tokenIssuedAt: number;
  grantedAt: number;
  lastRefreshedAt: number | null;
  lastUsedAt: number | null;
  nextRefreshAt: number | null;
}

const grantTimes = (id: string, t: Omit<Times, 'lastRefreshedAt' | 'nextRefreshAt'>) => ({
  id,
  ...t,
  refreshTokenExpiresAt: null,
  hasRefreshToken: true,
});

/** Granted at `issuedAt` (now), planned as saveGrant plans it (or the refresher, when in use). */
function newGrant(id: string): Times {
  const t = {
    expiresAt: task.expiresAt,
    tokenIssuedAt: task.issuedAt ?? now,
    grantedAt: task.issuedAt ?? now,
    lastUsedAt: task.lastUsedAt ?? null,
  };
  const next = task.nextRefreshAt ?? mods.schedule.planRenewal(grantTimes(id, t), policy, now)?.at ?? null;
  return { ...t, lastRefreshedAt: null, nextRefreshAt: next };
}

/**
 * Granted days before `steady.at`, at a random point of one of its renewal cycles (the length the plan
 * gives it), and renewed since exactly when the plan said: at `at`, the rows are at every phase of
 * their cycles (seed.ts's `SteadyState`).
 */
function steadyGrant(id: string, i: number, s: SteadyState): Times {
  const lastUsedAt = isInUse(i, s) ? Math.round(s.at - (1 - handOutPhase(i)) * s.handOutEveryMs) : null;
  const plan = (issued: number, grantedAt: number) =>
    mods.schedule.planRenewal(
      grantTimes(id, { expiresAt: issued + s.tokenLifetimeMs, tokenIssuedAt: issued, grantedAt, lastUsedAt }),
      policy,
      s.at,
    );
  const probe = s.at - 2 * DAY_MS;
  const cycle = (plan(probe, probe)?.at ?? probe + DAY_MS) - probe;
  const grantedAt = Math.round(probe - Math.random() * cycle);
  let issued = grantedAt;
  let next = plan(issued, grantedAt);
  while (next !== null && next.at <= s.at) {
    issued = next.at;
    next = plan(issued, grantedAt);
  }
  return {
    expiresAt: issued + s.tokenLifetimeMs,
    tokenIssuedAt: issued,
    grantedAt,
    lastUsedAt,
    lastRefreshedAt: issued === grantedAt ? null : issued,
    nextRefreshAt: next?.at ?? null,
  };
}

function makeRow(i: number): Value[] {
  const id = mods.random.randomId(random, 'conn');
  ids.push(id);
  const access = `sl.${Buffer.from(random(105)).toString('base64url')}`;
  const refresh =
    task.refreshTokenPrefix === undefined
      ? Buffer.from(random(48)).toString('base64url')
      : `${task.refreshTokenPrefix}${i}`;
  const times = task.steady === undefined ? newGrant(id) : steadyGrant(id, i, task.steady);
  const values: Record<keyof typeof columns, Value> = {
    id,
    tenant: `tenant-${String(i % 100).padStart(3, '0')}`,
    providerId: task.providerId,
    endUser: `user-${pad(i)}`,
    accountId: `dbid:AA${pad(i)}`,
    accountEmail: `user-${pad(i)}@example.com`,
    accountDisplayName: `Bench User ${pad(i)}`,
    scopes,
    status: 'active',
    accessToken: vault.encrypt(access, mods.tokenLocation.tokenLocation(id, 'access_token')),
    refreshToken: vault.encrypt(refresh, mods.tokenLocation.tokenLocation(id, 'refresh_token')),
    tokenType: 'bearer',
    expiresAt: times.expiresAt,
    tokenVersion: 0,
    refreshLeaseOwner: null,
    refreshLeaseUntil: null,
    nextRefreshAt: times.nextRefreshAt,
    refreshFailures: 0,
    lastRefreshError: null,
    connectionParams: null,
    metadata: null,
    tokenIssuedAt: times.tokenIssuedAt,
    grantedAt: times.grantedAt,
    refreshTokenExpiresAt: null,
    lastRefreshedAt: times.lastRefreshedAt,
    lastUsedAt: times.lastUsedAt,
    createdAt: times.grantedAt,
    updatedAt: times.lastRefreshedAt ?? times.grantedAt,
  };
  return Object.keys(columns).map((key) => {
    const value = values[key as keyof typeof columns];
    if (value === undefined)
      throw new Error(`the bench does not know column ${key}: update bench/lib/seed-worker.ts`);
    return value;
  });
}

function* batches(): Generator<Value[][]> {
  const end = task.from + task.count;
  for (let start = task.from; start < end; start += task.batchSize) {
    const rows: Value[][] = [];
    for (let i = start; i < Math.min(end, start + task.batchSize); i++) rows.push(makeRow(i));
    yield rows;
  }
}

let done = 0;
if (task.engine === 'sqlite') {
  const client = new BetterSqlite3(task.url);
  client.pragma('busy_timeout = 600000');
  client.pragma('synchronous = OFF');
  // The indexes of a million rows do not fit the default 2 MB page cache: every insert would read pages back.
  client.pragma('cache_size = -1000000');
  const insert = client.prepare(
    `insert into connections (${names.map((n) => `"${n}"`).join(', ')}) values (${names.map(() => '?').join(', ')})`,
  );
  const write = client.transaction((rows: Value[][]) => {
    for (const row of rows) insert.run(row);
  });
  for (const rows of batches()) {
    // BEGIN IMMEDIATE: waits (busy timeout) while another thread holds the write lock.
    write.immediate(rows);
    done += rows.length;
    parentPort!.postMessage({ done });
  }
  client.pragma('wal_checkpoint(PASSIVE)');
  client.close();
} else {
  const types = Object.values(columns).map((c) => c.getSQLType());
  const sql = `insert into connections (${names.map((n) => `"${n}"`).join(', ')}) select * from unnest(${types
    .map((t, k) => `$${k + 1}::${t}[]`)
    .join(', ')})`;
  const client = new pg.Client({ connectionString: task.url });
  await client.connect();
  let pending: Promise<unknown> | undefined;
  for (const rows of batches()) {
    const arrays = names.map((_, k) => rows.map((row) => row[k]!));
    // Seal the next batch while Postgres writes this one.
    await pending;
    const count = rows.length;
    pending = client.query(sql, arrays).then(() => {
      done += count;
      parentPort!.postMessage({ done });
    });
  }
  await pending;
  await client.end();
}
parentPort!.postMessage({ ids });
