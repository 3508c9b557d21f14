import { AsyncLocalStorage } from 'node:async_hooks';
import { randomBytes } from 'node:crypto';
import { asc, count, type SQL, sql } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Database } from '../db/open.js';
import { createLogger, REDACTED, silentLogger } from '../log/logger.js';
import { availableEngines, createTestDatabase, type TestDatabase } from '../test-support/databases.js';
import { type AuditAction, routeAction } from './actions.js';
import { type AuditEventInput, type AuditLogDeps, auditEventId, createAuditLog } from './audit-log.js';
import { type AuditInsert, createAuditInsert } from './insert.js';

/** The write-behind audit log, on every engine: batching, order, retries, redaction, the queue cap. */

const engines = await availableEngines();

const event = (action: string, overrides: Partial<AuditEventInput> = {}): AuditEventInput => ({
  actor: { type: 'admin', id: 'admin' },
  action: action as AuditAction, // storage tests: any dotted name
  target: { type: 'provider', id: 'dropbox' },
  tenant: 'acme',
  outcome: 'success',
  ...overrides,
});

/** The engine's batch insert, with its calls counted. */
function countingInserts(database: Database) {
  const counter = { inserts: 0 };
  const write = createAuditInsert(database);
  const insert: AuditInsert = (rows) => {
    counter.inserts += 1;
    return write(rows);
  };
  return { insert, counter };
}

describe.each(engines)('audit log on %s', (engine) => {
  let td: TestDatabase;
  let logs: string[];
  let clock: number;
  let closers: Array<() => Promise<void>>;

  beforeEach(async () => {
    td = await createTestDatabase(engine);
    logs = [];
    clock = 1_718_000_000_000;
    closers = [];
  });
  afterEach(async () => {
    for (const close of closers) await close();
    await td.destroy();
  });

  const make = (overrides: Partial<AuditLogDeps> = {}) => {
    const audit = createAuditLog({
      database: td.database,
      // Each event a millisecond after the last, so id order is record order.
      now: () => clock++,
      random: randomBytes,
      log: createLogger({ level: 'debug', write: (line) => logs.push(line) }),
      // Long enough that only the test flushes, unless it asks for the timer.
      flushIntervalMs: 60_000,
      ...overrides,
    });
    closers.push(() => audit.close());
    return audit;
  };

  const t = () => td.database.tables.auditEvents;
  const rowCount = async () => (await td.database.db.select({ n: count() }).from(t()))[0]?.n ?? 0;
  const rows = () => td.database.db.select().from(t()).orderBy(asc(t().id));
  const logged = () => logs.map((line) => JSON.parse(line) as Record<string, unknown>);

  /** Raw SQL on either engine (the SQLite handle runs statements with `run`). */
  const exec = async (statement: SQL) => {
    if (td.database.engine === 'postgres') await td.database.db.execute(statement);
    else (td.database.db as unknown as { run(query: SQL): unknown }).run(statement);
  };
  // A real write failure: the table is gone until `restore`.
  const breakTable = () => exec(sql`alter table audit_events rename to audit_events_away`);
  const restoreTable = () => exec(sql`alter table audit_events_away rename to audit_events`);

  it('queues records and writes them all in one insert at flush', async () => {
    const { insert, counter } = countingInserts(td.database);
    const audit = make({ insert });
    for (let i = 0; i < 100; i++) audit.record(event(`provider.updated`, { details: { n: i } }));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(await rowCount()).toBe(0);
    expect(counter.inserts).toBe(0);

    await audit.flush();
    expect(await rowCount()).toBe(100);
    expect(counter.inserts).toBe(1);
    await audit.flush();
    expect(counter.inserts).toBe(1);
  });

  it('splits a flush into inserts of maxBatch rows', async () => {
    const { insert, counter } = countingInserts(td.database);
    const audit = make({ insert, maxBatch: 40 });
    for (let i = 0; i < 100; i++) audit.record(event('provider.updated'));
    await audit.flush();
    expect(await rowCount()).toBe(100);
    expect(counter.inserts).toBe(3);
  });

  it('flushes by itself when the queue reaches maxBatch', async () => {
    const audit = make({ maxBatch: 25 });
    for (let i = 0; i < 24; i++) audit.record(event('provider.updated'));
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(await rowCount()).toBe(0);
    audit.record(event('provider.updated'));
    await vi.waitFor(async () => expect(await rowCount()).toBe(25));
  });

  it('flushes by itself within flushIntervalMs', async () => {
    const audit = make({ flushIntervalMs: 20 });
    audit.record(event('provider.created'));
    expect(await rowCount()).toBe(0);
    await vi.waitFor(async () => expect(await rowCount()).toBe(1), { timeout: 2000 });
  });

  it('stores text exactly, whatever characters it holds', async () => {
    const audit = make();
    const odd = 'quote " backslash \\ tab \t line\nbreak é 🚀 \u2028 {"json": [1]}';
    audit.record({
      actor: { type: 'admin', id: odd },
      action: routeAction('updateProvider'),
      target: { type: 'provider', id: `p-${odd}` },
      tenant: odd,
      outcome: 'success',
      details: { note: odd },
    });
    await audit.flush();
    const [row] = await rows();
    expect(row).toMatchObject({ actorId: odd, targetId: `p-${odd}`, tenant: odd });
    expect(JSON.parse(row!.details)).toEqual({ note: odd });
  });

  it('stores every field, and ids in record order', async () => {
    const audit = make();
    const actions = Array.from({ length: 50 }, (_, i) => `connection.step_${String(i).padStart(2, '0')}`);
    for (const action of actions) audit.record(event(action));
    audit.record({
      actor: { type: 'service', id: 'svc-billing' },
      action: 'connection.token_issued',
      target: { type: 'connection', id: 'conn_1' },
      outcome: 'failure',
      details: { provider: 'dropbox', attempt: 2, cached: false, reason: null },
    });
    await audit.flush();

    const stored = await rows();
    expect(stored.map((r) => r.action)).toEqual([...actions, 'connection.token_issued']);
    expect(stored.map((r) => r.at)).toEqual(stored.map((r) => r.at).sort((a, b) => a - b));
    expect(stored.at(-1)).toEqual({
      id: expect.stringMatching(/^[0-9a-z]{9}[A-Za-z0-9_-]{14}$/),
      at: 1_718_000_000_050,
      actorType: 'service',
      actorId: 'svc-billing',
      action: 'connection.token_issued',
      targetType: 'connection',
      targetId: 'conn_1',
      tenant: null,
      outcome: 'failure',
      details: JSON.stringify({ provider: 'dropbox', attempt: 2, cached: false, reason: null }),
    });
  });

  it('tallies repeats of an event as one row with a count, the first time and the last', async () => {
    const audit = make();
    const described: string[] = [];
    const handOut = (target: string, forced = false) => {
      audit.tally(`${target}/${forced}`, () => {
        described.push(`${target}/${forced}`);
        return event('connection.token_issued', {
          actor: { type: 'service', id: 'svc-a' },
          target: { type: 'connection', id: target },
          details: { provider_id: 'dropbox', forced },
        });
      });
    };
    const first = clock;
    handOut('conn_1');
    handOut('conn_2');
    handOut('conn_1');
    handOut('conn_1', true);
    handOut('conn_1');
    // A repeat is counted by its key: the event is described once per window.
    expect(described).toEqual(['conn_1/false', 'conn_2/false', 'conn_1/true']);
    const last = clock - 1;
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(await rowCount()).toBe(0);

    await audit.flush();
    const stored = await rows();
    const byTarget = (id: string, forced: boolean) =>
      stored.find((r) => r.targetId === id && JSON.parse(r.details).forced === forced);
    expect(stored).toHaveLength(3);
    expect(byTarget('conn_1', false)).toMatchObject({ at: first, actorId: 'svc-a', tenant: 'acme' });
    expect(JSON.parse(byTarget('conn_1', false)!.details)).toEqual({
      provider_id: 'dropbox',
      forced: false,
      count: 3,
      last_at: last,
    });
    expect(JSON.parse(byTarget('conn_1', true)!.details)).toMatchObject({ count: 1 });
    expect(JSON.parse(byTarget('conn_2', false)!.details)).toMatchObject({ count: 1, last_at: first + 1 });

    // A new window starts after the flush.
    handOut('conn_1');
    expect(described).toHaveLength(4);
    await audit.close();
    expect(await rowCount()).toBe(4);
    // After close, a tally is refused as a record would be: logged, not written.
    handOut('conn_1');
    expect(logged().some((l) => l.msg === 'audit event recorded after close; dropped')).toBe(true);
  });

  it('keeps tallied events through a failed write, and writes them once it works', async () => {
    const audit = make();
    await breakTable();
    for (let i = 0; i < 3; i++) audit.tally('issued', () => event('connection.token_issued'));
    await audit.flush();
    expect(logged().some((l) => l.msg === 'audit events could not be written; will retry')).toBe(true);
    await restoreTable();
    await audit.flush();
    const stored = await rows();
    expect(stored).toHaveLength(1);
    expect(JSON.parse(stored[0]!.details)).toMatchObject({ count: 3 });
  });

  it('writes tallied events by itself within the tally window', async () => {
    // The window is measured on the clock: a real one here.
    const audit = make({ flushIntervalMs: 10, tallyIntervalMs: 50, now: Date.now });
    audit.tally('issued', () => event('connection.token_issued'));
    audit.tally('issued', () => event('connection.token_issued'));
    expect(await rowCount()).toBe(0);
    await vi.waitFor(async () => expect(await rowCount()).toBe(1), { timeout: 2000 });
    expect(JSON.parse((await rows())[0]!.details)).toMatchObject({ count: 2 });
  });

  it('close writes what is queued and stops taking events', async () => {
    const audit = make();
    for (let i = 0; i < 5; i++) audit.record(event('provider.deleted'));
    await audit.close();
    expect(await rowCount()).toBe(5);

    audit.record(event('provider.created'));
    await audit.flush();
    expect(await rowCount()).toBe(5);
    expect(logged().some((l) => l.level === 'warn' && String(l.msg).includes('after close'))).toBe(true);
  });

  it('keeps the events of a failed write and writes them, in order, at the next flush', async () => {
    const audit = make();
    audit.record(event('a.first', { details: { note: 'marker-detail-value' } }));
    audit.record(event('a.second'));
    await breakTable();
    await expect(audit.flush()).resolves.toBeUndefined();
    audit.record(event('a.third'));
    await expect(audit.flush()).resolves.toBeUndefined();
    await restoreTable();

    await audit.flush();
    expect((await rows()).map((r) => r.action)).toEqual(['a.first', 'a.second', 'a.third']);

    const errors = logged().filter((l) => l.level === 'error');
    expect(errors.length).toBeGreaterThanOrEqual(1);
    expect(errors[0]).toMatchObject({ events: 2, queued: 2 });
    // The driver's error is logged, never the bound values (the details).
    expect(logs.join('\n')).not.toContain('marker-detail-value');
    expect(logs.join('\n')).not.toContain('params');
  });

  it('retries a failed write by itself', async () => {
    const audit = make({ flushIntervalMs: 10 });
    await breakTable();
    audit.record(event('provider.created'));
    await vi.waitFor(() => expect(logs.some((l) => l.includes('could not be written'))).toBe(true));
    await restoreTable();
    await vi.waitFor(async () => expect(await rowCount()).toBe(1), { timeout: 3000 });
  });

  it('writes again rows that are already stored without failing (a retry after a lost answer)', async () => {
    // Same clock and same "random" bytes: the second log makes exactly the id the first one stored.
    const zeros = (size: number) => new Uint8Array(size);
    const first = make({ random: zeros, now: () => 1_718_000_000_000 });
    first.record(event('provider.created'));
    await first.flush();
    const second = make({ random: zeros, now: () => 1_718_000_000_000 });
    second.record(event('provider.created'));
    await second.flush();
    expect(logs.filter((l) => l.includes('"error"'))).toEqual([]);
    expect(await rowCount()).toBe(1);
  });

  it('caps the queue while the database is down, dropping the oldest with a warning', async () => {
    const audit = make({ maxQueue: 10 });
    await breakTable();
    for (let i = 0; i < 8; i++) audit.record(event(`e.${i}`));
    await audit.flush();
    for (let i = 8; i < 25; i++) audit.record(event(`e.${i}`));
    await audit.flush();
    await restoreTable();
    await audit.flush();

    expect((await rows()).map((r) => r.action)).toEqual(Array.from({ length: 10 }, (_, i) => `e.${i + 15}`));
    const warnings = logged().filter((l) => l.level === 'warn' && String(l.msg).includes('queue full'));
    expect(warnings.reduce((sum, w) => sum + Number(w.dropped), 0)).toBe(15);
  });

  it('redacts values under secret-looking keys, and caps strings', async () => {
    const audit = make();
    const long = 'x'.repeat(2000);
    audit.record(
      event('provider.updated', {
        actor: { type: 'admin', id: `admin-${long}` },
        details: {
          client_secret: 'marker-secret',
          access_token: 'marker-access',
          refresh_token: 'marker-refresh',
          password: 'marker-password',
          Authorization: 'Bearer marker-bearer',
          code: 'marker-code',
          code_verifier: 'marker-verifier',
          api_key: 'marker-key',
          token: 42,
          secret_cleared: true,
          refresh_token_previous: null,
          token_url: 'https://example.test/token',
          status_code: 400,
          long,
          nul: 'a\u0000b',
        },
      }),
    );
    await audit.flush();

    const [row] = await rows();
    expect(row?.details).not.toContain('marker');
    const details = JSON.parse(row?.details ?? '{}');
    expect(details).toMatchObject({
      client_secret: REDACTED,
      access_token: REDACTED,
      refresh_token: REDACTED,
      password: REDACTED,
      Authorization: REDACTED,
      code: REDACTED,
      code_verifier: REDACTED,
      api_key: REDACTED,
      token: REDACTED,
      secret_cleared: true,
      refresh_token_previous: null,
      token_url: 'https://example.test/token',
      status_code: 400,
      nul: 'a\ufffdb',
    });
    expect(details.long).toHaveLength(512);
    expect(details.long.endsWith('…')).toBe(true);
    expect(row?.actorId).toHaveLength(512);
  });

  it('never throws from record, whatever it is given', async () => {
    const audit = make();
    expect(() => audit.record(undefined as unknown as AuditEventInput)).not.toThrow();
    expect(() =>
      audit.record(event('odd.details', { details: { big: 10n, nested: { secret: 'x' } } as never })),
    ).not.toThrow();
    await audit.flush();
    const [row] = await rows();
    expect(JSON.parse(row?.details ?? '{}')).toEqual({ big: '10', nested: '[unsupported]' });
    expect(logged().some((l) => l.level === 'error' && String(l.msg).includes('could not be recorded'))).toBe(
      true,
    );
  });
});

describe('audit event ids', () => {
  it('sort by time, as text', () => {
    const times = [0, 1, 35, 36, 1_718_000_000_000, 1_718_000_000_001, 4_102_444_800_000, 10 ** 14 - 1];
    const ids = times.map((at) => auditEventId(at, randomBytes));
    expect([...ids].reverse().sort()).toEqual(ids);
    for (const id of ids) expect(id).toMatch(/^[0-9a-z]{9}[A-Za-z0-9_-]{14}$/);
  });
});

describe('audit writes and the request that queued them', () => {
  it('run outside its context, so its trace does not claim a batch of many requests’ events', async () => {
    const td = await createTestDatabase('sqlite');
    const request = new AsyncLocalStorage<string>();
    const write = createAuditInsert(td.database);
    const contexts: Array<string | undefined> = [];
    const audit = createAuditLog({
      database: td.database,
      now: Date.now,
      random: randomBytes,
      log: silentLogger,
      flushIntervalMs: 5,
      maxBatch: 2,
      insert: (rows) => {
        contexts.push(request.getStore());
        return write(rows);
      },
    });
    try {
      // By the timer the first event sets, then by a full batch.
      request.run('request-1', () => audit.record(event('provider.create')));
      await vi.waitFor(() => expect(contexts).toHaveLength(1));
      request.run('request-2', () => {
        audit.record(event('provider.update'));
        audit.record(event('provider.delete'));
      });
      await vi.waitFor(() => expect(contexts).toHaveLength(2));
      expect(contexts).toEqual([undefined, undefined]);
    } finally {
      await audit.close();
      await td.destroy();
    }
  });
});
