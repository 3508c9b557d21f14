import { AsyncResource } from 'node:async_hooks';
import { encodeBase64urlNoPadding } from '@oslojs/encoding';
import { DrizzleQueryError } from 'drizzle-orm';
import type { Random } from '../crypto/random.js';
import type { Database } from '../db/open.js';
import { type Logger, REDACTED } from '../log/logger.js';
import type { AuditAction } from './actions.js';
import { type AuditInsert, type AuditRow, createAuditInsert } from './insert.js';

/**
 * The audit trail: who did what to which thing, and whether it worked.
 * Recording is write-behind so that it never slows or fails a request:
 * events wait in memory and are written in multi-row inserts, at the latest
 * `flushIntervalMs` after they were recorded. A failed write keeps its events,
 * in order, for the next flush.
 */

export type AuditOutcome = 'success' | 'failure';
export type AuditActorType = 'admin' | 'service' | 'broker';
export type AuditDetails = Record<string, string | number | boolean | null>;

export interface AuditEventInput {
  actor: { type: AuditActorType; id: string };
  /** Dotted: a route's (`provider.create`) or one of the broker's own (actions.ts). */
  action: AuditAction;
  target: { type: string; id: string };
  tenant?: string | null;
  outcome: AuditOutcome;
  details?: AuditDetails;
}

export interface AuditLog {
  /** Never throws, never blocks the request: the event is queued and written within flushIntervalMs. */
  record(event: AuditEventInput): void;
  /**
   * Records a frequent event (the token hand-out) as one row per distinct
   * event and tally window: `at` is the first occurrence, `details.count`
   * how many there were and `details.last_at` the last one (epoch ms).
   * `key` names the event, so that a repeat costs a lookup and no more:
   * calls with one key must mean the same event, and `describe` is called
   * only for the first of them in a window.
   */
  tally(key: string, describe: () => AuditEventInput): void;
  /** Writes everything queued so far. Never rejects: a failed write is logged and kept for the next flush. */
  flush(): Promise<void>;
  /** Flushes and stops the timer (graceful shutdown). Events recorded afterwards are dropped with a warning. */
  close(): Promise<void>;
}

export interface AuditLogDeps {
  database: Database;
  now: () => number;
  random: Random;
  log: Logger;
  /** Longest wait before a recorded event is written; 200 ms by default. */
  flushIntervalMs?: number;
  /** Window in which repeats of a tallied event become one row; 1 s by default. */
  tallyIntervalMs?: number;
  /** Rows per insert, and the queue length that starts a flush at once; 500 by default. */
  maxBatch?: number;
  /** How a batch is written; tests count the calls. */
  insert?: AuditInsert;
  /** Events kept while the database cannot be written (as many again of tallied ones); beyond it the oldest are dropped. 100,000 by default. */
  maxQueue?: number;
}

/** Longest string stored, anywhere in an event. */
export const AUDIT_MAX_STRING = 512;
// Rows per write (a transaction on SQLite, a statement on Postgres), with requests answered between
// them. Measured at 4,000 hand-outs a second of a million connections: with 500 a write, the p99
// was a quarter higher (24.5 ms against 19.6) and at a thousand connections half again (4.4 / 2.8).
const MAX_ROWS_PER_INSERT = 200;
// Distinct events counted at once; beyond, the window closes early.
const MAX_TALLIES = 10_000;
// Retries after a failed write back off to this.
const MAX_RETRY_DELAY_MS = 30_000;
// Base36 of a millisecond time, zero-padded: 9 digits last until the year 5188.
const TIME_WIDTH = 9;

// The logger's rule (src/log/logger.ts), kept in step: a name is sensitive when it
// ends in one of these words, so `access_token` and `client_secret` are redacted
// and `token_url` is not; `code` only on its own, not `status_code`.
const sensitiveName =
  /(^|[_-])(secrets?|password|authorization|cookie|apikey|keys?|tokens?|verifier|credentials?)$|^(code|auth_code)$/i;

/**
 * An id that sorts by time: the fixed-width base36 time, then 80 random bits
 * (base64url), so `order by id` is chronological to the millisecond. Events of
 * the same millisecond order among themselves at random.
 */
export function auditEventId(at: number, random: Random): string {
  const time = Math.max(0, Math.trunc(at)).toString(36).padStart(TIME_WIDTH, '0');
  return time + encodeBase64urlNoPadding(random(10));
}

/** Random bytes drawn 4 KiB at a time: one call for about 400 event ids instead of one each. */
function pooled(random: Random): Random {
  let pool: Uint8Array = new Uint8Array(0);
  let offset = 0;
  return (size) => {
    if (offset + size > pool.byteLength) {
      pool = random(Math.max(4096, size));
      offset = 0;
    }
    offset += size;
    return pool.subarray(offset - size, offset);
  };
}

/** Redacts values under secret-looking keys and caps every string; what is stored in `details`. */
export function sanitizeDetails(details: AuditDetails | undefined): AuditDetails {
  const out: AuditDetails = {};
  for (const [rawKey, value] of Object.entries(details ?? {})) {
    if (value === undefined) continue;
    const key = cap(rawKey);
    if (sensitiveName.test(rawKey) && value !== null) out[key] = REDACTED;
    else if (typeof value === 'string') out[key] = cap(value);
    else if (typeof value === 'number') out[key] = Number.isFinite(value) ? value : null;
    else if (typeof value === 'boolean' || value === null) out[key] = value;
    // Outside the declared types (nested objects could hide secrets under other keys).
    else out[key] = typeof value === 'bigint' ? cap(String(value)) : '[unsupported]';
  }
  return out;
}

function cap(text: string): string {
  // A NUL cannot be stored in a Postgres text column; one would fail its whole batch forever.
  const clean = text.includes('\u0000') ? text.replaceAll('\u0000', '\ufffd') : text;
  return clean.length > AUDIT_MAX_STRING ? `${clean.slice(0, AUDIT_MAX_STRING - 1)}…` : clean;
}

interface Tally {
  event: AuditEventInput;
  first: number;
  last: number;
  count: number;
}

export function createAuditLog(deps: AuditLogDeps): AuditLog {
  const { database, now, random, log } = deps;
  type Row = AuditRow;
  const insert = deps.insert ?? createAuditInsert(database);
  const idBytes = pooled(random);

  const interval = Math.max(1, deps.flushIntervalMs ?? 200);
  const tallyMs = Math.max(interval, deps.tallyIntervalMs ?? 1_000);
  const maxBatch = Math.max(1, deps.maxBatch ?? 500);
  const perInsert = Math.min(maxBatch, MAX_ROWS_PER_INSERT);
  const maxQueue = Math.max(1, deps.maxQueue ?? 100_000);

  // Oldest first. A batch being written is out of the queue, and goes back to its front if the write fails.
  let queue: Row[] = [];
  // Events counted by `tally` in the window that began at `tallyWindowStart`, by everything that tells them apart.
  let tallies = new Map<string, Tally>();
  // Tallies of closed windows, not yet rows.
  const counted: Tally[] = [];
  let tallyWindowStart = 0;
  let draining: Promise<boolean> | null = null;
  let timer: ReturnType<typeof setTimeout> | null = null;
  let failures = 0;
  let dropped = 0;
  let closed = false;

  const trim = () => {
    const over = queue.length - maxQueue;
    if (over <= 0) return;
    queue.splice(0, over);
    dropped += over;
  };

  const reportDropped = () => {
    if (dropped === 0) return;
    log.warn('audit queue full: oldest events dropped', { dropped, max_queue: maxQueue });
    dropped = 0;
  };

  const schedule = (delay: number) => {
    if (timer !== null || closed) return;
    timer = setTimeout(() => {
      timer = null;
      void flush(false);
    }, delay);
    timer.unref();
  };

  const retryDelay = () =>
    Math.max(interval, Math.min(interval * 2 ** Math.min(failures, 16), MAX_RETRY_DELAY_MS));

  /** Writes until the queue is empty; false when a write failed (its events are back in the queue). */
  const drain = async (): Promise<boolean> => {
    reportDropped();
    while (queue.length > 0 || counted.length > 0) {
      // Counted events become rows a batch at a time: thousands at once would hold the event loop.
      if (queue.length < perInsert && counted.length > 0) {
        for (const tally of counted.splice(0, perInsert - queue.length)) queue.push(tallyRow(tally));
      }
      const batch = queue.splice(0, perInsert);
      try {
        // A retry after a write that committed but whose answer was lost must not fail on its own rows.
        await insert(batch);
        failures = 0;
      } catch (error) {
        queue = batch.concat(queue);
        trim();
        failures += 1;
        log.error('audit events could not be written; will retry', {
          error: withoutParams(error),
          events: batch.length,
          queued: queue.length,
          failures,
        });
        schedule(retryDelay());
        return false;
      }
      // Requests waiting behind a large flush get their turn between batches.
      if (queue.length > 0 || counted.length > 0) await new Promise((resolve) => setImmediate(resolve));
    }
    return true;
  };

  // Bound to where the log was made (at start-up, outside any request): a drain started by a request's
  // event, or by a timer that request set, would otherwise run in its context, and that request's
  // trace would claim the batch (its database spans, its failure lines) made of many requests' events.
  const startDrain = AsyncResource.bind((): Promise<boolean> => {
    draining ??= drain()
      .catch((error: unknown) => {
        log.error('audit flush failed', { error: withoutParams(error) });
        return false;
      })
      .finally(() => {
        draining = null;
      });
    return draining;
  });

  /** Closes the tally window: its events wait in `counted` until a drain writes them. */
  const queueTallies = () => {
    if (tallies.size === 0) return;
    for (const tally of tallies.values()) counted.push(tally);
    tallies = new Map();
    const over = counted.length - maxQueue;
    if (over > 0) {
      counted.splice(0, over);
      dropped += over;
    }
  };

  const tallyRow = ({ event, first, last, count }: Tally): Row =>
    toRow({ ...event, details: { ...event.details, count, last_at: last } }, first);

  /** `all`: the counted events too, even if their window is still open (an explicit flush, shutdown). */
  async function flush(all = true): Promise<void> {
    if (all || now() - tallyWindowStart >= tallyMs) queueTallies();
    else if (tallies.size > 0) schedule(tallyMs - (now() - tallyWindowStart));
    // A drain under way may have passed the point where it sees what was queued just now.
    if (draining !== null && !(await draining)) return;
    if (queue.length > 0 || counted.length > 0 || dropped > 0) await startDrain();
  }

  const toRow = (event: AuditEventInput, at = now()): Row => {
    return {
      id: auditEventId(at, idBytes),
      at,
      actorType: cap(event.actor.type),
      actorId: cap(event.actor.id),
      action: cap(event.action),
      targetType: cap(event.target.type),
      targetId: cap(event.target.id),
      tenant: event.tenant == null ? null : cap(event.tenant),
      outcome: event.outcome,
      details: JSON.stringify(sanitizeDetails(event.details)),
    };
  };

  function record(event: AuditEventInput): void {
    try {
      if (closed) {
        log.warn('audit event recorded after close; dropped', { action: cap(String(event.action)) });
        return;
      }
      queue.push(toRow(event));
      trim();
      if (queue.length >= maxBatch && failures === 0) void startDrain();
      else schedule(failures === 0 ? interval : retryDelay());
    } catch (error) {
      // A malformed event from a caller must not fail its request.
      try {
        log.error('audit event could not be recorded', { error: withoutParams(error) });
      } catch {
        // nothing left to tell
      }
    }
  }

  function tallyOne(key: string, describe: () => AuditEventInput): void {
    const at = now();
    const counted = tallies.get(key);
    if (counted !== undefined) {
      counted.count += 1;
      counted.last = at;
      return;
    }
    if (tallies.size === 0) tallyWindowStart = at;
    tallies.set(key, { event: describe(), first: at, last: at, count: 1 });
    if (tallies.size >= MAX_TALLIES && failures === 0) void flush(true);
    else schedule(failures === 0 ? tallyMs : retryDelay());
  }

  return {
    record,
    tally(key, describe) {
      try {
        if (closed) return record(describe());
        tallyOne(key, describe);
      } catch (error) {
        log.error('audit event could not be recorded', { error: withoutParams(error) });
      }
    },
    flush: () => flush(true),
    async close() {
      closed = true;
      if (timer !== null) clearTimeout(timer);
      timer = null;
      await flush();
      reportDropped();
      if (queue.length + counted.length > 0) {
        log.error('audit events lost at shutdown: the database could not be written', {
          events: queue.length + counted.length,
        });
      }
    },
  };
}

/** A drizzle query error carries the bound values (event details) in its message; log the driver's error. */
function withoutParams(error: unknown): unknown {
  if (!(error instanceof DrizzleQueryError)) return error;
  return (
    error.cause ?? { name: 'DrizzleQueryError', message: 'the query failed (its parameters are withheld)' }
  );
}
