import { randomBytes } from 'node:crypto';
import { sql } from 'drizzle-orm';
import type { Caller } from '../../src/http/caller.js';
import type { Refresher } from '../../src/refresh/refresher.js';
import type { UpstreamFetch } from '../../src/upstream/http-client.js';
import { inProcessDeps } from './in-process.js';
import type { BrokerModules } from './modules.js';
import { cpuSeconds } from './proc.js';
import { scratchDatabase } from './scratch.js';
import { handOutPhase, isInUse, seedConnections } from './seed.js';
import { registerFakeProvider, startFakeProvider } from './token-endpoint.js';

/**
 * The refresh load of a simulated day, run for real on a fake clock. N
 * connections with one-hour tokens at a provider that states no refresh-token
 * lifetime (the broker's one-day default) are stored in a real SQLite file,
 * opened as the broker opens it (src/db/open.ts: WAL, its pragmas), sealed by
 * the real Vault, as a broker that has run for days holds them (seed.ts's
 * `SteadyState`). The broker's services are built in this process as
 * `main.ts` builds them, with a clock the bench moves: the real token rows,
 * background refresher, refresher, usage recorder and hand-out
 * (`handOutAccessToken`), the refresher calling the fake provider's token
 * endpoint (bench/fake-provider.ts) over HTTP on 127.0.0.1. Of the N, 1 %
 * (`inUsePercent`) are handed out every 15 minutes all day, each at its own
 * phase; the others are never handed out.
 *
 * The day runs in rounds of 5 simulated seconds (the background refresher's
 * interval): the round's hand-outs one after another, then background rounds
 * back to back while they come back full, as the refresher's own loop does.
 * Each round runs as fast as the machine allows, so the day takes minutes.
 *
 * CPU is this process's (`process.cpuUsage`, user + system, every thread;
 * the provider's process is measured apart): "refreshing" is the background
 * rounds (usage writes, the due query, re-plans, provider calls, commits, and
 * the audit rows they record, flushed at the round's end) plus the hand-outs
 * that waited on a refresh. Its share of one core is that CPU over the
 * simulated day's length (86,400 s): what a broker would spend refreshing
 * over a real day of this load.
 */

export interface RefreshLoadResult {
  connections: number;
  inUse: number;
  hours: number;
  seedSeconds: number;
  /** Wall time of the simulated day (without the seeding). */
  runSeconds: number;
  rounds: number;
  handOuts: number;
  failedHandOuts: number;
  firstFailure: string | null;
  /** Hand-outs that waited on a refresh (the hand-out asked the refresher for a new token). */
  waited: number;
  /** Of those, hand-outs whose token had expired; and of these, of a connection in use (handed out within the in-use window). */
  waitedOnExpired: number;
  waitedOnExpiredInUse: number;
  /** Provider calls (token requests sent) per simulated hour: by the background refresher and by hand-outs. */
  background: number[];
  onDemand: number[];
  /** Token requests the fake provider answered, by its own count. */
  providerCounted: number;
  /** Every connection renewed once per token lifetime: the least "before every expiry" costs. */
  naivePerHour: number;
  /** CPU seconds: refreshing in the background, hand-outs that waited on a refresh, the other hand-outs, the whole day; and the provider's process. */
  cpu: { background: number; onDemand: number; handOuts: number; total: number; provider: number };
  /** After the day: connections no longer active, whose last renewal is older than their refresh token's idle lifetime, and overdue by more than a minute. */
  notActive: number;
  lapsed: number;
  overdue: number;
}

const HOUR_MS = 3_600_000;
/** The background refresher's interval (background.ts). */
const ROUND_MS = 5_000;
/** Its batch: a round that comes back this full is followed at once by another, as its loop does. */
const BACKGROUND_BATCH = 200;
const HAND_OUT_EVERY_MS = 15 * 60_000;
const TOKEN_LIFETIME_MS = HOUR_MS;

const cpuOf = (usage: NodeJS.CpuUsage) => (usage.user + usage.system) / 1e6;

/** A service client allowed everything: the hand-out's checks pass, and cost what they cost. */
const caller: Caller = {
  id: 'bench-refresh-load',
  can: () => true,
  seesTenant: () => true,
  seesProvider: () => true,
  mayReturnTo: () => false,
  mayRedirectTo: () => false,
  tenants: '*',
  providers: '*',
};

export async function refreshLoadBench(
  mods: BrokerModules,
  options: { connections: number; inUsePercent: number; hours: number },
  log: (message: string) => void,
): Promise<RefreshLoadResult> {
  const { connections, hours } = options;
  const inUse = Math.round((connections * options.inUsePercent) / 100);
  const t0 = Math.floor(Date.now() / ROUND_MS) * ROUND_MS;
  let clock = t0;
  let hour = 0;
  /** Which part of a round is running: its provider calls are counted as background or on-demand. */
  let part: 'hand-outs' | 'background' | 'setup' = 'setup';
  const background = new Array<number>(hours).fill(0);
  const onDemand = new Array<number>(hours).fill(0);

  const fake = await startFakeProvider('fake-provider-refresh-load');
  const url = await scratchDatabase('sqlite', 'refresh-load');
  const database = mods.open.openDatabase(url);
  await database.migrate();
  const material = new Uint8Array(randomBytes(32));
  const adminToken = randomBytes(32).toString('base64url');
  const deps = inProcessDeps(mods, {
    database,
    vault: new mods.vault.Vault([{ id: 'bench1', material }]),
    adminToken,
    write: () => {},
    now: () => clock,
  });
  const upstream = deps.fetch;
  const counted: UpstreamFetch = (input, init, call) => {
    if (part === 'hand-outs') onDemand[hour]!++;
    else if (part === 'background') background[hour]!++;
    return upstream(input, init, call);
  };
  const { app, services } = mods.app.createApp({ ...deps, fetch: counted });
  try {
    await registerFakeProvider(app, adminToken, fake.url);
    log(
      `  seeding ${connections.toLocaleString('en-US')} connections (${inUse.toLocaleString('en-US')} in use)`,
    );
    const seedStarted = performance.now();
    const steady = {
      at: t0,
      tokenLifetimeMs: TOKEN_LIFETIME_MS,
      inUse,
      total: connections,
      handOutEveryMs: HAND_OUT_EVERY_MS,
    };
    const ids = await seedConnections(mods, {
      engine: 'sqlite',
      url,
      from: 0,
      count: connections,
      providerId: 'fake',
      vaultKeys: [{ id: 'bench1', material }],
      expiresAt: t0 + TOKEN_LIFETIME_MS,
      refreshTokenPrefix: 'rt-load-',
      steady,
    });
    const seedSeconds = (performance.now() - seedStarted) / 1000;

    // The connections in use, by the round of each hand-out period in which each is handed out.
    const perPeriod = HAND_OUT_EVERY_MS / ROUND_MS;
    const schedule: string[][] = Array.from({ length: perPeriod }, () => []);
    for (let i = 0; i < connections; i++) {
      if (isInUse(i, steady)) schedule[Math.floor(handOutPhase(i) * perPeriod)]!.push(ids[i]!);
    }
    ids.length = 0;

    const counts = { handOuts: 0, failed: 0, waited: 0, expired: 0, expiredInUse: 0 };
    // The hand-out's refresher, watched: which hand-outs wait on a refresh, and on what token.
    const refresher: Refresher = services.handOut.refresher;
    const watched: Refresher = {
      ...refresher,
      refresh(row, reason) {
        const expired = row.expiresAt !== null && row.expiresAt <= clock;
        const used = row.lastUsedAt !== null && clock - row.lastUsedAt < mods.schedule.IN_USE_WINDOW_MS;
        counts.waited++;
        if (expired) counts.expired++;
        if (expired && used) counts.expiredInUse++;
        return refresher.refresh(row, reason);
      },
    };
    const handOut = { ...services.handOut, refresher: watched };

    let firstFailure: string | null = null;
    const cpu = { background: 0, onDemand: 0, handOuts: 0, total: 0, provider: 0 };
    const rounds = (hours * HOUR_MS) / ROUND_MS;
    const providerCpuBefore = cpuSeconds(fake.pid);
    const dayCpu = process.cpuUsage();
    const started = performance.now();
    let hourStarted = started;
    for (let round = 0; round < rounds; round++) {
      clock = t0 + round * ROUND_MS;
      hour = Math.floor((round * ROUND_MS) / HOUR_MS);

      part = 'hand-outs';
      for (const id of schedule[round % perPeriod]!) {
        const before = process.cpuUsage();
        const waitedBefore = counts.waited;
        try {
          await mods.handOut.handOutAccessToken(handOut, caller, id, {});
          counts.handOuts++;
        } catch (error) {
          counts.failed++;
          firstFailure ??= error instanceof Error ? `${error.name}: ${error.message}` : String(error);
        }
        const used = cpuOf(process.cpuUsage(before));
        if (counts.waited > waitedBefore) cpu.onDemand += used;
        else cpu.handOuts += used;
      }
      const flush = process.cpuUsage();
      await services.audit.flush();
      cpu.handOuts += cpuOf(process.cpuUsage(flush));

      part = 'background';
      const before = process.cpuUsage();
      while ((await services.background.runOnce()).due === BACKGROUND_BATCH) {}
      await services.audit.flush();
      cpu.background += cpuOf(process.cpuUsage(before));

      if ((round + 1) % (HOUR_MS / ROUND_MS) === 0) {
        const now = performance.now();
        log(
          `  hour ${hour + 1}/${hours}: ${background[hour]!.toLocaleString('en-US')} background + ` +
            `${onDemand[hour]} on-demand provider calls, ${((now - hourStarted) / 1000).toFixed(1)} s`,
        );
        hourStarted = now;
      }
    }
    part = 'setup';
    const runSeconds = (performance.now() - started) / 1000;
    cpu.total = cpuOf(process.cpuUsage(dayCpu));
    cpu.provider = cpuSeconds(fake.pid) - providerCpuBefore;

    const t = database.tables.connections;
    const idleMs = mods.schedule.DEFAULT_REFRESH_TOKEN_IDLE_SECONDS * 1000;
    const [after] = await database.db
      .select({
        notActive: sql<number>`sum(case when ${t.status} <> 'active' then 1 else 0 end)`,
        lapsed: sql<number>`sum(case when ${t.tokenIssuedAt} < ${clock - idleMs} then 1 else 0 end)`,
        overdue: sql<number>`sum(case when ${t.nextRefreshAt} < ${clock - 60_000} then 1 else 0 end)`,
      })
      .from(t);
    return {
      connections,
      inUse,
      hours,
      seedSeconds,
      runSeconds,
      rounds,
      handOuts: counts.handOuts,
      failedHandOuts: counts.failed,
      firstFailure,
      waited: counts.waited,
      waitedOnExpired: counts.expired,
      waitedOnExpiredInUse: counts.expiredInUse,
      background,
      onDemand,
      providerCounted: (await fake.grants()).total,
      naivePerHour: connections * (HOUR_MS / TOKEN_LIFETIME_MS),
      cpu,
      notActive: Number(after?.notActive ?? 0),
      lapsed: Number(after?.lapsed ?? 0),
      overdue: Number(after?.overdue ?? 0),
    };
  } finally {
    await services.background.stop();
    await services.audit.close();
    await database.close();
    await fake.stop();
  }
}
