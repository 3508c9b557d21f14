import { randomBytes } from 'node:crypto';
import { eq, sql } from 'drizzle-orm';
import type { Engine } from './config.js';
import { inProcessDeps } from './in-process.js';
import type { BrokerModules } from './modules.js';
import { scratchDatabase } from './scratch.js';
import { seedConnections } from './seed.js';
import { type FakeGrants, registerFakeProvider, startFakeProvider } from './token-endpoint.js';

/**
 * The background refresher renewing N connections that are all due at once,
 * against a fake token endpoint in its own process. The broker's services
 * are built in this process exactly as `main.ts` builds them (the provider
 * is on http://127.0.0.1, which production settings refuse); rounds of
 * `background.runOnce()` run back to back, as the refresher's own loop
 * does while rounds come back full, until nothing is due.
 */

export interface RefreshResult {
  engine: Engine;
  connections: number;
  seconds: number;
  perSecond: number;
  rounds: number;
  grants: FakeGrants;
  /** Rows whose token version is exactly 1 and whose new access token decrypts to the fake's answer. */
  verified: number;
  /** Rows still due after the run. */
  stillDue: number;
  cpuPercent: number;
}

const PREFIX = 'rt-bench-';

export async function refreshBench(
  mods: BrokerModules,
  engine: Engine,
  count: number,
): Promise<RefreshResult> {
  const fake = await startFakeProvider(`fake-provider-${engine}`);
  const url = await scratchDatabase(engine, `refresh-${engine}`);
  const database = mods.open.openDatabase(url);
  await database.migrate();
  const material = new Uint8Array(randomBytes(32));
  const vault = new mods.vault.Vault([{ id: 'bench1', material }]);
  const adminToken = randomBytes(32).toString('base64url');
  let logLines = 0;
  // The default level, written nowhere: the bench's output stays readable.
  const deps = inProcessDeps(mods, { database, vault, adminToken, write: () => void logLines++ });
  const { app, services } = mods.app.createApp(deps);
  try {
    await registerFakeProvider(app, adminToken, fake.url);

    const now = Date.now();
    await seedConnections(mods, {
      engine,
      url,
      from: 0,
      count,
      providerId: 'fake',
      vaultKeys: [{ id: 'bench1', material }],
      // One-hour tokens expiring within the buffer, all due now, of connections in use: the background
      // renews those ahead of expiry (an idle one it would only move to its keep-alive time).
      issuedAt: now - 3_540_000,
      expiresAt: now + 60_000,
      lastUsedAt: now,
      nextRefreshAt: now - 1_000,
      refreshTokenPrefix: PREFIX,
    });

    const cpuBefore = process.cpuUsage();
    const started = performance.now();
    let rounds = 0;
    for (;;) {
      const round = await services.background.runOnce();
      rounds++;
      if (round.due === 0) break;
    }
    const seconds = (performance.now() - started) / 1000;
    const cpu = process.cpuUsage(cpuBefore);
    await services.audit.flush();

    const grants = await fake.grants();
    const t = database.tables.connections;
    const rows = await database.db
      .select({
        id: t.id,
        accessToken: t.accessToken,
        refreshToken: t.refreshToken,
        tokenVersion: t.tokenVersion,
      })
      .from(t)
      .where(eq(t.providerId, 'fake'));
    let verified = 0;
    for (const row of rows) {
      if (row.tokenVersion !== 1 || row.refreshToken === null) continue;
      const refresh = vault.decrypt(
        row.refreshToken,
        mods.tokenLocation.tokenLocation(row.id, 'refresh_token'),
      );
      const access = vault.decrypt(row.accessToken, mods.tokenLocation.tokenLocation(row.id, 'access_token'));
      if (refresh.startsWith(PREFIX) && access === `at-${refresh}`) verified++;
    }
    const [due] = await database.db
      .select({ n: sql<number>`count(*)` })
      .from(t)
      .where(sql`${t.nextRefreshAt} <= ${Date.now()}`);
    return {
      engine,
      connections: count,
      seconds,
      perSecond: count / seconds,
      rounds,
      grants,
      verified,
      stillDue: Number(due?.n ?? 0),
      cpuPercent: ((cpu.user + cpu.system) / 1e6 / seconds) * 100,
    };
  } finally {
    await services.background.stop();
    await services.audit.close();
    await database.close();
    await fake.stop();
  }
}
