/**
 * Every knob of `npm run bench`, from the environment (all optional). The
 * defaults keep one whole run under about five minutes on a 2-core machine.
 */

const int = (name: string, fallback: number, min = 0): number => {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min) throw new Error(`${name} must be an integer >= ${min}`);
  return value;
};

const flag = (name: string, fallback: boolean): boolean => {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  return raw === '1' || raw === 'true';
};

export const config = {
  /** Load-generator connections, each with its own cached service token. */
  connections: int('BENCH_CONNECTIONS', 16, 1),
  /** Seconds of each measured run (bare and broker alike). */
  durationSeconds: int('BENCH_DURATION', 5, 1),
  /** Seconds of warm-up before the first measured run of each server. */
  warmupSeconds: int('BENCH_WARMUP', 3, 0),
  /** Measured bare/broker pairs per engine; they alternate. */
  rounds: int('BENCH_ROUNDS', 3, 1),
  /** Connections seeded for the hand-out runs (the "thousand" of the scale test). */
  smallConnections: int('BENCH_SMALL_CONNECTIONS', 1_000, 1),
  /** Connections for the scale test (SQLite). */
  largeConnections: int('BENCH_LARGE_CONNECTIONS', 1_000_000, 1),
  /** Run the million-row scale test on Postgres too. */
  scalePostgres: flag('BENCH_SCALE_POSTGRES', true),
  /** Requests per second of the scale test's fixed-rate runs (0: 40 % of an uncached broker's hand-out throughput on that engine, measured first); sent evenly spaced. */
  scaleRate: int('BENCH_SCALE_RATE', 0, 0),
  /** Connections all due at once in the refresh test. */
  refreshConnections: int('BENCH_REFRESH_CONNECTIONS', 10_000, 1),
  /**
   * Stored connections of the refresh-load part (a simulated day on a fake clock, run for real). Its run
   * time grows with them: on a shared 2-core machine a day of a million took 36 minutes (1.6 million real
   * refreshes; seeding 89 s), a tenth of that, the default, about six. The provider calls per hour grow in
   * proportion; their ratio to the naive schedule does not.
   */
  refreshLoadConnections: int('BENCH_REFRESH_LOAD_CONNECTIONS', 100_000, 1),
  /** Percent of them handed out (each every 15 minutes, all day). */
  refreshLoadInUsePercent: int('BENCH_REFRESH_LOAD_IN_USE_PERCENT', 1, 0),
  /** Simulated hours of the refresh-load part. */
  refreshLoadHours: int('BENCH_REFRESH_LOAD_HOURS', 24, 1),
  /** The metrics part: hand-outs per second sent to each of its two brokers at once. */
  metricsRate: int('BENCH_METRICS_RATE', 1_500, 1),
  /** The metrics part: seconds of each round (long, so CPU ticks of 10 ms are a small error). */
  metricsSeconds: int('BENCH_METRICS_SECONDS', 15, 1),
  /** Engines to run: sqlite, postgres, or both. */
  engines: (process.env.BENCH_ENGINES ?? 'sqlite,postgres')
    .split(',')
    .map((e) => e.trim())
    .filter((e): e is 'sqlite' | 'postgres' => e === 'sqlite' || e === 'postgres'),
  /**
   * Parts to run: handout, metrics, refresh, scale, refresh-load, webhooks (memory is measured during the
   * others); and, not by default, compare (this build against BENCH_COMPARE_DIST, side by side).
   */
  parts: new Set(
    (process.env.BENCH_PARTS ?? 'handout,metrics,refresh,scale,refresh-load,webhooks')
      .split(',')
      .map((p) => p.trim()),
  ),
  /** Connection events queued at once in the webhook part. */
  webhookEvents: Number(process.env.BENCH_WEBHOOK_EVENTS ?? 1000),
  /** Server for the scratch Postgres databases (created and dropped by the bench). */
  postgresUrl: process.env.BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test',
  /** Write a V8 CPU profile of every broker process and print its hottest functions. */
  profile: flag('BENCH_PROFILE', false),
  /** The compare part's other build: a dist/ folder, e.g. the previous commit's, built in its own worktree. */
  compareDist: process.env.BENCH_COMPARE_DIST,
  /** Another build of the broker to measure (a folder laid out like dist/), e.g. a candidate fix. */
  brokerDist: process.env.BENCH_BROKER_DIST,
  /** Extra node flags for the broker processes (e.g. `--import ./instrument.mjs` for an experiment). */
  brokerNodeFlags: (process.env.BENCH_BROKER_NODE_FLAGS ?? '').split(' ').filter(Boolean),
  /** Keep the scratch folder (logs, SQLite files, profiles) after the run. */
  keep: flag('BENCH_KEEP', false),
};

export type Engine = 'sqlite' | 'postgres';
