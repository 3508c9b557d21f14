import { randomBytes } from 'node:crypto';
import type { TokenRow } from '../../src/refresh/token-rows.js';
import type { BrokerModules } from './modules.js';

/**
 * The refresh load of a simulated day: N stored connections with one-hour
 * tokens at a provider that says nothing about its refresh tokens (the
 * broker's defaults), of which `inUsePercent` are handed out every 15 minutes
 * all day, each at its own phase. A simulation on a fake clock, not N rows:
 * the broker's own background refresher (`createBackgroundRefresher`), usage
 * recorder, renewal plan (`planRenewal`) and freshness rule (`needsRefresh`),
 * loaded from dist/, run against rows kept in memory. What the simulation
 * writes itself mirrors the SQL of token-rows.ts (`due`, `reschedule`,
 * `recordUse`) and the refresher's commit (a new one-hour token, planned
 * again). The day starts in the steady state: idle grants at every phase
 * of their keep-alive cycle, connections in use handed out within the last
 * quarter hour with tokens of every age.
 */

export interface RefreshLoadResult {
  connections: number;
  inUse: number;
  handOuts: number;
  /** Hand-outs that found their token due under the freshness rule and waited on a refresh. */
  waited: number;
  /** Of those, hand-outs of a connection in use whose token had expired. */
  waitedOnExpired: number;
  /** Provider calls per simulated hour: background and on-demand. */
  perHour: number[];
  /** Every connection renewed once per token lifetime: the lower bound of "before every expiry". */
  naivePerHour: number;
  rescheduledPerHour: number;
  usageWritesPerHour: number;
  simulationSeconds: number;
}

type Row = NonNullable<TokenRow>;
const HOUR = 3600_000;
const ROUND_MS = 5_000;
const HANDOUT_EVERY_MS = 15 * 60_000;

export async function refreshLoadBench(
  mods: BrokerModules,
  connections: number,
  inUsePercent: number,
): Promise<RefreshLoadResult> {
  const started = performance.now();
  const policy = {
    expiry_buffer_seconds: 300,
    refresh_token_idle_seconds: mods.schedule.DEFAULT_REFRESH_TOKEN_IDLE_SECONDS,
    refresh_token_max_seconds: null,
  };
  const t0 = Date.UTC(2026, 0, 5);
  let now = t0;
  const end = t0 + 24 * HOUR;
  const measureFrom = t0;
  const rows = new Map<string, Row>();
  // Due times by round; an entry is checked against the row's current plan when its round comes.
  const buckets = new Map<number, string[]>();
  let cursor = Math.ceil(t0 / ROUND_MS);
  /** The round of each row's current plan: an entry left in another round by a re-plan is dropped. */
  const roundOf = new Map<string, number>();
  const plan = (id: string, at: number | null) => {
    const row = rows.get(id)!;
    row.nextRefreshAt = at;
    if (at === null) {
      roundOf.delete(id);
      return;
    }
    const round = Math.max(Math.ceil(at / ROUND_MS), Math.ceil(now / ROUND_MS));
    roundOf.set(id, round);
    const bucket = buckets.get(round);
    if (bucket) bucket.push(id);
    else buckets.set(round, [id]);
  };
  const calls: number[] = new Array(24).fill(0);
  let rescheduled = 0;
  let usageWrites = 0;
  const hour = () => Math.min(23, Math.floor((now - t0) / HOUR));

  // The connections in use: evenly spread over the ids.
  const inUseCount = Math.round((connections * inUsePercent) / 100);
  const inUseIds = new Set<number>();
  for (let i = 0; i < inUseCount; i++) inUseIds.add(Math.floor((i * connections) / inUseCount));

  // Idle grants renewed last at any point of a keep-alive cycle (70 % of a day: none is overdue at the
  // start); connections in use with tokens of any age up to the in-use renewal, handed out lately.
  for (let i = 0; i < connections; i++) {
    const id = `conn_${i}`;
    const inUse = inUseIds.has(i);
    const issued = t0 - Math.floor(Math.random() * (inUse ? 0.85 * HOUR : 0.7 * 24 * HOUR));
    rows.set(id, {
      id,
      tenant: 't',
      providerId: 'p',
      endUser: 'u',
      accountId: id,
      accountEmail: null,
      accountDisplayName: null,
      scopes: '[]',
      connectionParams: null,
      metadata: null,
      status: 'active',
      accessToken: 'sealed',
      refreshToken: 'sealed',
      tokenType: 'Bearer',
      expiresAt: issued + HOUR,
      tokenVersion: 0,
      refreshLeaseOwner: null,
      refreshLeaseUntil: null,
      nextRefreshAt: null,
      refreshFailures: 0,
      lastRefreshError: null,
      tokenIssuedAt: issued,
      grantedAt: issued,
      refreshTokenExpiresAt: null,
      lastRefreshedAt: null,
      lastUsedAt: inUse ? t0 - Math.floor(Math.random() * HANDOUT_EVERY_MS) : null,
      createdAt: issued,
      updatedAt: issued,
    });
    plan(id, mods.schedule.planRenewal(mods.schedule.grantTimesOf(rows.get(id)!), policy, t0)?.at ?? null);
  }

  /** The provider call and commit of a refresh, as refresher.ts does them. */
  const refresh = (row: Row, onDemand: boolean) => {
    if (now >= measureFrom) calls[hour()]!++;
    row.tokenIssuedAt = now;
    row.expiresAt = now + HOUR;
    row.tokenVersion++;
    row.lastRefreshedAt = now;
    if (onDemand) row.lastUsedAt = now;
    plan(row.id, mods.schedule.planRenewal(mods.schedule.grantTimesOf(row), policy, now)?.at ?? null);
  };

  const tokenRows = {
    async due(at: number, limit: number) {
      const out: Array<{ id: string; tokenVersion: number }> = [];
      // Nothing is ever planned before the current round, so the rounds before `cursor` are empty.
      for (let round = cursor; round * ROUND_MS <= at && out.length < limit; round++) {
        const ids = buckets.get(round);
        while (ids && ids.length > 0 && out.length < limit) {
          const id = ids.pop()!;
          const row = rows.get(id)!;
          if (roundOf.get(id) !== round) continue;
          if (row.status === 'active' && row.nextRefreshAt !== null && row.nextRefreshAt <= at)
            out.push({ id, tokenVersion: row.tokenVersion });
        }
        if (!ids || ids.length === 0) {
          buckets.delete(round);
          if (round === cursor) cursor++;
        }
      }
      return out;
    },
    read: async (id: string) => rows.get(id) ?? null,
    async reschedule(id: string, _version: number, at: number | null) {
      if (now >= measureFrom) rescheduled++;
      plan(id, at);
    },
    async markNeedsReauth(id: string) {
      rows.get(id)!.status = 'needs_reauth';
    },
    async recordUse(ids: string[], at: number) {
      if (now >= measureFrom) usageWrites++;
      for (const id of ids) {
        const row = rows.get(id)!;
        const wasIdle = row.lastUsedAt === null || row.lastUsedAt < at - mods.schedule.IN_USE_WINDOW_MS;
        row.lastUsedAt = at;
        if (wasIdle && (row.nextRefreshAt === null || row.nextRefreshAt > at)) plan(id, at);
      }
    },
  };
  const usage = mods.usage.createUsageRecorder(tokenRows as never);
  const background = mods.background.createBackgroundRefresher({
    rows: tokenRows as never,
    providers: { get: async () => policy } as never,
    refresher: {
      refresh: async () => {
        throw new Error('not on this path');
      },
      refreshIfFree: async (row: Row) => {
        refresh(row, false);
        return { kind: 'fresh', row };
      },
    } as never,
    usage,
    log: mods.logger.silentLogger,
    random: randomBytes,
    now: () => now,
  });

  // The connections in use, grouped by the round of the quarter hour in which each is handed out.
  const perQuarter = HANDOUT_EVERY_MS / ROUND_MS;
  const phases: string[][] = Array.from({ length: perQuarter }, () => []);
  for (const i of inUseIds) phases[Math.floor(Math.random() * perQuarter)]!.push(`conn_${i}`);
  let handOuts = 0;
  let waited = 0;
  let waitedOnExpired = 0;
  for (let round = 0; now < end; round++) {
    now = t0 + round * ROUND_MS;
    for (const id of phases[round % perQuarter]!) {
      const row = rows.get(id)!;
      const measured = now >= measureFrom;
      if (measured) handOuts++;
      if (mods.freshness.needsRefresh(row, { bufferSeconds: policy.expiry_buffer_seconds }, now)) {
        // Only the day-two hand-outs of a connection handed out within the window count as "in use".
        const inUse = row.lastUsedAt !== null && now - row.lastUsedAt < mods.schedule.IN_USE_WINDOW_MS;
        if (measured) {
          waited++;
          if (inUse && row.expiresAt !== null && row.expiresAt <= now) waitedOnExpired++;
        }
        refresh(row, true);
      }
      usage.noteHandOut(id, now);
    }
    // As the refresher's loop: rounds back to back while they come back full.
    while ((await background.runOnce()).due === 200) {}
  }

  return {
    connections,
    inUse: inUseCount,
    handOuts,
    waited,
    waitedOnExpired,
    perHour: calls,
    naivePerHour: connections,
    rescheduledPerHour: rescheduled / 24,
    usageWritesPerHour: usageWrites / 24,
    simulationSeconds: (performance.now() - started) / 1000,
  };
}
