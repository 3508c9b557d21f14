import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { createConnectionStore } from '../../connections/store.js';
import { createTokenRows } from '../../refresh/token-rows.js';
import { availableEngines, postgresAdminUrl } from '../../test-support/databases.js';
import type { Database } from '../open.js';
import { grant, NOW } from './records.js';
import { useDatabase } from './use-database.js';

/**
 * Token writes that cannot be repeated (a rotated refresh token, a new grant) are durable at
 * commit; everything else keeps SQLite's cheaper `synchronous = NORMAL` (README, "Storage").
 */

const engines = await availableEngines();
const FULL = 2;
const NORMAL = 1;

describe('durable writes on SQLite', () => {
  const database = useDatabase('sqlite');
  const synchronous = () => database().sqlite!.pragma('synchronous', { simple: true });

  it('sync at commit inside durably, and not outside', async () => {
    expect(synchronous()).toBe(NORMAL);
    expect(await database().durably(async () => synchronous())).toBe(FULL);
    expect(synchronous()).toBe(NORMAL);
  });

  it('stay durable until the last of overlapping durable writes ends, and after a failed one', async () => {
    let release!: () => void;
    const first = database().durably(() => new Promise<void>((resolve) => (release = resolve)));
    const second = database().durably(async () => synchronous());
    expect(await second).toBe(FULL);
    expect(synchronous()).toBe(FULL);
    release();
    await first;
    expect(synchronous()).toBe(NORMAL);
    await expect(database().durably(() => Promise.reject(new Error('constraint')))).rejects.toThrow(
      'constraint',
    );
    expect(synchronous()).toBe(NORMAL);
  });
});

describe.each(engines)('durable token writes on %s', (engine) => {
  const database = useDatabase(engine);
  /** The database, recording each durable write and, on SQLite, the setting it ran under. */
  const watched = (seen: unknown[]): Database => ({
    ...database(),
    durably: (write) =>
      database().durably(async () => {
        seen.push(database().sqlite?.pragma('synchronous', { simple: true }) ?? 'postgres');
        return write();
      }),
  });
  const durable = engine === 'sqlite' ? FULL : 'postgres';

  it('a new grant and a reconnection are stored durably', async () => {
    const seen: unknown[] = [];
    const store = createConnectionStore(watched(seen));
    expect(await store.saveGrant(grant('t-durable', 'acct-1'), 'conn_durable', NOW)).toBe('conn_durable');
    expect(await store.saveGrant(grant('t-durable', 'acct-1'), 'conn_other', NOW)).toBe('conn_durable');
    expect(seen).toEqual([durable, durable]);
  });

  it('a refresh commit is durable when it stores a refresh token, and only then', async () => {
    const seen: unknown[] = [];
    const rows = createTokenRows(watched(seen));
    await createConnectionStore(database()).saveGrant(grant('t-durable', 'acct-2'), 'conn_rotating', NOW);
    const tokens = {
      tokenType: 'Bearer',
      expiresAt: null,
      scopes: null,
      issuedAt: NOW,
      refreshTokenExpiresAt: null,
      usedAt: null,
      nextRefreshAt: null,
    };
    expect(
      await rows.commitRefresh('conn_rotating', 0, { ...tokens, accessToken: 'a2', refreshToken: 'r2' }, NOW),
    ).toBe(true);
    expect(seen).toEqual([durable]);
    expect(
      await rows.commitRefresh('conn_rotating', 1, { ...tokens, accessToken: 'a3', refreshToken: null }, NOW),
    ).toBe(true);
    expect(seen).toEqual([durable]);
    expect(await rows.read('conn_rotating')).toMatchObject({
      accessToken: 'a3',
      refreshToken: 'r2',
      tokenVersion: 2,
    });
  });

  if (engine === 'postgres') {
    it('Postgres syncs every commit already (synchronous_commit and fsync on)', async () => {
      const client = new pg.Client({ connectionString: postgresAdminUrl });
      await client.connect();
      try {
        const settings = await client.query(
          "select name, setting from pg_settings where name in ('fsync', 'synchronous_commit') order by name",
        );
        expect(settings.rows).toEqual([
          { name: 'fsync', setting: 'on' },
          { name: 'synchronous_commit', setting: 'on' },
        ]);
      } finally {
        await client.end();
      }
    });
  }
});
