import { randomBytes } from 'node:crypto';
import { count } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../log/logger.js';
import { availableEngines, createTestDatabase, type TestDatabase } from '../test-support/databases.js';
import type { AuditAction } from './actions.js';
import { type AuditEventInput, createAuditLog } from './audit-log.js';
import { type AuditFilter, createAuditStore } from './store.js';

/** Reading and pruning the audit trail, on every engine. */

const engines = await availableEngines();
const T0 = 1_718_000_000_000;

type Seed = [at: number, actor: string, action: string, target: string, tenant: string | null, ok: boolean];

// Listed oldest first; written in a shuffled order, so the ids alone must give time order.
const seeds: Seed[] = [
  [T0 + 0, 'admin', 'provider.created', 'dropbox', null, true],
  [T0 + 1000, 'admin', 'provider.updated', 'dropbox', null, true],
  [T0 + 2000, 'svc-a', 'connection.created', 'conn_1', 'acme', true],
  [T0 + 3000, 'svc-a', 'connection.token_issued', 'conn_1', 'acme', true],
  [T0 + 4000, 'broker', 'connection.refreshed', 'conn_1', 'acme', false],
  [T0 + 5000, 'svc-b', 'connection.token_issued', 'conn_2', 'bravo', true],
  [T0 + 6000, 'svc-b', 'connections.listed', 'conn_2', 'bravo', true],
  [T0 + 7000, 'svc-b', 'connection', 'conn_2', 'bravo', true],
  [T0 + 8000, 'svc-a', 'Connection.refreshed', 'conn_1', 'acme', true],
  [T0 + 9000, 'svc-a', 'connectionXrefreshed', 'conn_1', 'acme', true],
];

describe.each(engines)('audit store on %s', (engine) => {
  let td: TestDatabase;
  beforeEach(async () => {
    td = await createTestDatabase(engine);
  });
  afterEach(async () => {
    await td.destroy();
  });

  const seed = async (list: Seed[]) => {
    let at = 0;
    const audit = createAuditLog({
      database: td.database,
      now: () => at,
      random: randomBytes,
      log: silentLogger,
    });
    const shuffled = [...list].sort(() => Math.random() - 0.5);
    for (const [time, actor, action, target, tenant, ok] of shuffled) {
      at = time;
      const input: AuditEventInput = {
        actor: { type: actor === 'admin' ? 'admin' : actor === 'broker' ? 'broker' : 'service', id: actor },
        action: action as AuditAction, // storage tests: any dotted name
        target: { type: action.split('.')[0] ?? 'thing', id: target },
        tenant,
        outcome: ok ? 'success' : 'failure',
        details: { seq: time - T0 },
      };
      audit.record(input);
    }
    await audit.close();
  };

  const actionsFor = async (filter: AuditFilter) =>
    (await createAuditStore(td.database).list(filter, { limit: 100 })).map((r) => r.action);
  const newestFirst = (keep: (s: Seed) => boolean) =>
    seeds
      .filter(keep)
      .map((s) => s[2])
      .reverse();

  it('lists newest first, with every field', async () => {
    await seed(seeds);
    const store = createAuditStore(td.database);
    const all = await store.list({}, { limit: 100 });
    expect(all.map((r) => r.action)).toEqual(newestFirst(() => true));
    expect(all.find((r) => r.action === 'connection.refreshed')).toEqual({
      id: expect.any(String),
      at: T0 + 4000,
      actor: { type: 'broker', id: 'broker' },
      action: 'connection.refreshed',
      target: { type: 'connection', id: 'conn_1' },
      tenant: 'acme',
      outcome: 'failure',
      details: { seq: 4000 },
    });
    expect(all.at(-1)?.tenant).toBeNull();
  });

  it.each<[string, AuditFilter, (s: Seed) => boolean]>([
    ['actor_id', { actor_id: 'svc-b' }, (s) => s[1] === 'svc-b'],
    ['exact action', { action: 'connection.token_issued' }, (s) => s[2] === 'connection.token_issued'],
    ['target_id', { target_id: 'conn_2' }, (s) => s[3] === 'conn_2'],
    ['tenant', { tenant: 'acme' }, (s) => s[4] === 'acme'],
    ['outcome', { outcome: 'failure' }, (s) => !s[5]],
    ['since (inclusive)', { since: T0 + 7000 }, (s) => s[0] >= T0 + 7000],
    ['until (exclusive)', { until: T0 + 2000 }, (s) => s[0] < T0 + 2000],
    ['a time range', { since: T0 + 2000, until: T0 + 4000 }, (s) => s[0] >= T0 + 2000 && s[0] < T0 + 4000],
    [
      'several filters together',
      { tenant: 'acme', action: 'connection.*', outcome: 'success' },
      (s) => s[4] === 'acme' && s[2].startsWith('connection.') && s[5],
    ],
    ['nothing matching', { actor_id: 'nobody' }, () => false],
  ])('filters by %s', async (_name, filter, keep) => {
    await seed(seeds);
    expect(await actionsFor(filter)).toEqual(newestFirst(keep));
  });

  it('filters by an action prefix: exact, case-sensitive, `_` no wildcard', async () => {
    await seed(seeds);
    expect(await actionsFor({ action: 'connection.*' })).toEqual([
      'connection.token_issued',
      'connection.refreshed',
      'connection.token_issued',
      'connection.created',
    ]);
    expect(await actionsFor({ action: 'provider.*' })).toEqual(['provider.updated', 'provider.created']);
    expect(await actionsFor({ action: 'connectio_.*' })).toEqual([]);
    expect(await actionsFor({ action: 'connection.token_issued.*' })).toEqual([]);
    // Without `.*` an action is matched exactly.
    expect(await actionsFor({ action: 'connection' })).toEqual(['connection']);
  });

  it('pages newest first with the last id as the cursor', async () => {
    await seed(seeds);
    const store = createAuditStore(td.database);
    const seen: string[] = [];
    let after: string | undefined;
    for (let pages = 0; pages < 10; pages++) {
      const page = await store.list({}, { limit: 3, after });
      seen.push(...page.map((r) => r.action));
      if (page.length < 3) break;
      after = page.at(-1)?.id;
    }
    expect(seen).toEqual(newestFirst(() => true));

    const filtered = await store.list({ tenant: 'acme' }, { limit: 2 });
    const rest = await store.list({ tenant: 'acme' }, { limit: 100, after: filtered.at(-1)?.id });
    expect([...filtered, ...rest].map((r) => r.action)).toEqual(newestFirst((s) => s[4] === 'acme'));
  });

  it('orders events of the same millisecond and pages through them without loss', async () => {
    const same: Seed[] = Array.from({ length: 30 }, (_, i) => [T0, 'admin', `burst.e${i}`, 't', null, true]);
    await seed(same);
    const store = createAuditStore(td.database);
    const seen: string[] = [];
    let after: string | undefined;
    for (;;) {
      const page = await store.list({}, { limit: 7, after });
      seen.push(...page.map((r) => r.id));
      if (page.length < 7) break;
      after = page.at(-1)?.id;
    }
    expect(seen).toHaveLength(30);
    expect(new Set(seen).size).toBe(30);
  });

  it('prunes events older than the cutoff, in batches, and answers the count', async () => {
    const many: Seed[] = Array.from({ length: 25 }, (_, i) => [
      T0 + i * 1000,
      'admin',
      `e.${i}`,
      't',
      null,
      true,
    ]);
    await seed(many);
    const store = createAuditStore(td.database, { pruneBatchSize: 4 });

    expect(await store.pruneOlderThan(T0 + 10_000)).toBe(10);
    const left = await store.list({}, { limit: 100 });
    expect(left.map((r) => r.at)).toEqual(
      many
        .slice(10)
        .map((s) => s[0])
        .reverse(),
    );
    expect(await store.pruneOlderThan(T0 + 10_000)).toBe(0);
    expect(await store.pruneOlderThan(T0 + 12_000)).toBe(2);
    expect(await store.pruneOlderThan(T0)).toBe(0);

    const t = td.database.tables.auditEvents;
    expect((await td.database.db.select({ n: count() }).from(t))[0]?.n).toBe(13);
    expect(await createAuditStore(td.database).pruneOlderThan(T0 + 1_000_000)).toBe(13);
  });
});
