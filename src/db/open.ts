import { mkdirSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import BetterSqlite3 from 'better-sqlite3';
import { drizzle as drizzleSqlite } from 'drizzle-orm/better-sqlite3';
import { migrate as migrateSqlite } from 'drizzle-orm/better-sqlite3/migrator';
import { drizzle as drizzlePg, type NodePgDatabase } from 'drizzle-orm/node-postgres';
import { migrate as migratePg } from 'drizzle-orm/node-postgres/migrator';
import pg from 'pg';
import * as pgSchema from './schema/postgres.js';
import * as sqliteSchema from './schema/sqlite.js';

/**
 * One handle over either engine. Stores are written once against `db` and
 * `tables`, using only what drizzle's SQLite and Postgres builders share
 * (select/insert/update/delete, `returning`, `onConflictDo*`). The SQLite
 * handle is typed as the Postgres one for that reason; code that needs an
 * engine's own feature (row locks, advisory locks) branches on `engine`.
 */
export interface Database {
  engine: 'sqlite' | 'postgres';
  db: NodePgDatabase<typeof pgSchema>;
  tables: typeof pgSchema;
  /** SQLite's own handle, for the few batch writes where drizzle's statement building is the cost. */
  sqlite?: BetterSqlite3.Database;
  /** Applies pending migrations; safe to run from several replicas at once. */
  migrate(): Promise<void>;
  /** True when every migration shipped with this build is applied. */
  isMigrated(): Promise<boolean>;
  ping(): Promise<void>;
  /**
   * Runs a write that must survive a power cut or an OS crash once it has returned: a rotated
   * refresh token, or a new grant (the provider will not hand either out again). SQLite syncs
   * the WAL at its commit; other writes keep `synchronous = NORMAL`. Postgres already syncs
   * every commit (`synchronous_commit = on`, its default).
   */
  durably<T>(write: () => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

const migrationsRoot = fileURLToPath(new URL('../../drizzle/', import.meta.url));

export function isPostgresUrl(url: string): boolean {
  return /^postgres(ql)?:\/\//i.test(url);
}

export function openDatabase(url: string): Database {
  return isPostgresUrl(url) ? openPostgres(url) : openSqlite(url.replace(/^file:/, ''));
}

function openSqlite(path: string): Database {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const client = new BetterSqlite3(path);
  client.pragma('journal_mode = WAL');
  client.pragma('busy_timeout = 5000');
  // NORMAL: in WAL mode a commit is not synced until the next checkpoint, so a power cut or an OS
  // crash (not a process crash) can undo the last commits. Harmless for leases, audit rows or
  // sessions; not for a rotated refresh token, whose loss makes the next refresh reuse the old
  // one and the provider revoke the grant. Those go through `durably`, which syncs at commit
  // (FULL). Measured on this machine's disk (`npm run bench:durability`): a FULL commit holds the
  // event loop about 13 ms (74 commits/s) against 1.5-2 ms (500-640/s) under NORMAL, and an audit
  // batch 19-21 ms against 7-11: FULL for the whole file would stall hand-outs behind every audit
  // batch and lease, where only refreshes that rotate a token need it.
  client.pragma('synchronous = NORMAL');
  client.pragma('foreign_keys = ON');
  // 8 MiB of pages (2 MiB by default): the inner pages of a million connections' indexes stay in
  // memory, so a hand-out's point read costs two page reads, not five (measured: 12 µs, not 40;
  // 4 MiB: 50 µs, 16 MiB: no faster).
  client.pragma('cache_size = -8192');
  const db = drizzleSqlite(client, { schema: sqliteSchema });
  const folder = `${migrationsRoot}sqlite`;
  let durableWrites = 0;
  return {
    engine: 'sqlite',
    sqlite: client,
    db: db as unknown as NodePgDatabase<typeof pgSchema>,
    tables: sqliteSchema as unknown as typeof pgSchema,
    // One process owns a SQLite file's migrations; better-sqlite3 runs them in a transaction.
    migrate: async () => migrateSqlite(db, { migrationsFolder: folder }),
    isMigrated: async () => {
      const table = client
        .prepare("select 1 from sqlite_master where type = 'table' and name = '__drizzle_migrations'")
        .get();
      if (!table) return false;
      const row = client.prepare('select count(*) as n from __drizzle_migrations').get() as { n: number };
      return row.n >= journalLength(folder);
    },
    ping: async () => {
      client.prepare('select 1').get();
    },
    durably: async (write) => {
      // `synchronous` belongs to the connection, not to a statement: FULL while any durable write
      // is in flight (they may overlap across awaits), NORMAL again when the last one ends. A
      // write of another kind committing meanwhile is synced too, which costs time, not safety.
      if (durableWrites++ === 0) client.pragma('synchronous = FULL');
      try {
        return await write();
      } finally {
        if (--durableWrites === 0) client.pragma('synchronous = NORMAL');
      }
    },
    close: async () => {
      client.close();
    },
  };
}

// Any fixed number: replicas starting together serialise their migrations on it.
const MIGRATION_LOCK = 7_362_001;

function openPostgres(url: string): Database {
  const pool = new pg.Pool({ connectionString: url, max: 10, connectionTimeoutMillis: 5000 });
  // An idle client's error (the server restarting) must not crash the process.
  pool.on('error', () => {});
  const db = drizzlePg(pool, { schema: pgSchema });
  const folder = `${migrationsRoot}postgres`;
  return {
    engine: 'postgres',
    db,
    tables: pgSchema,
    migrate: async () => {
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        await client.query('select pg_advisory_lock($1)', [MIGRATION_LOCK]);
        await migratePg(drizzlePg(client), { migrationsFolder: folder });
      } finally {
        await client.query('select pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => {});
        await client.end();
      }
    },
    isMigrated: async () => {
      const exists = await pool.query("select to_regclass('drizzle.__drizzle_migrations') is not null as ok");
      if (!exists.rows[0]?.ok) return false;
      const counted = await pool.query('select count(*)::int as n from drizzle.__drizzle_migrations');
      return (counted.rows[0]?.n ?? 0) >= journalLength(folder);
    },
    ping: async () => {
      await pool.query('select 1');
    },
    durably: (write) => write(),
    close: async () => {
      await pool.end();
    },
  };
}

function journalLength(folder: string): number {
  const journal = JSON.parse(readFileSync(`${folder}/meta/_journal.json`, 'utf8')) as { entries: unknown[] };
  return journal.entries.length;
}
