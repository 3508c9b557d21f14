import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tokenLocation } from '../src/connections/token-location.js';
import { allGrants } from '../src/test-support/app.js';
import {
  createTestDatabase,
  postgresAdminUrl,
  postgresReachable,
  postgresRequired,
  type TestDatabase,
} from '../src/test-support/databases.js';
import { Vault } from '../src/vault/vault.js';
import {
  providerDefinition,
  startAuthorizationServer,
  type TestAuthorizationServer,
} from './support/authorization-server.js';
import { type BrokerProcess, mainScript, startBroker } from './support/broker-process.js';
import { obtainGrant } from './support/obtain-grant.js';

/**
 * Replicas of the built broker (`node dist/main.js serve`) sharing one
 * Postgres database, against a real authorization server with rotating
 * refresh tokens and reuse detection: a second refresh with the same token
 * kills the whole grant, so "at most one refresh per connection, across
 * replicas" is checked where it matters. Replicas are killed with SIGKILL
 * before, during and after a refresh; none of these may leave a caller with
 * a dead token or an answer other than a working token or `needs_reauth`.
 */

const postgres = await postgresReachable();
if (!postgres) {
  if (postgresRequired)
    throw new Error(`CUSTODIAN_REQUIRE_POSTGRES=1 but ${postgresAdminUrl} is not reachable`);
  process.stderr.write(
    `\n[custodian tests] NOTICE: Postgres at ${postgresAdminUrl} is not reachable; ` +
      'the replica suite (test/replicas.test.ts) is SKIPPED. Set CUSTODIAN_TEST_POSTGRES_URL to run it.\n\n',
  );
}

const REDIRECT_URI = 'https://app.example/cb';
const PUBLIC_URL = 'https://custodian.replicas.test';
const ADMIN = `replica-admin-${randomBytes(24).toString('base64url')}`;
const UPSTREAM_TIMEOUT_MS = 1000;
/** services.ts: the refresh lease is three upstream timeouts. */
const LEASE_MS = 3 * UPSTREAM_TIMEOUT_MS;
const vaultKey = { id: 'replk1', material: randomBytes(32) };

let as: TestAuthorizationServer;
let testDb: TestDatabase;
let dataDir: string;
const vault = new Vault([vaultKey]);
/** Every broker process this file started, dead or alive: afterAll makes sure all are gone. */
const started: BrokerProcess[] = [];
let brokerA: BrokerProcess;
let brokerB: BrokerProcess;
let serviceToken: string;

const brokerEnv = (): Record<string, string> => ({
  CUSTODIAN_VAULT_KEYS: `${vaultKey.id}:${Buffer.from(vaultKey.material).toString('base64')}`,
  CUSTODIAN_ADMIN_TOKEN: ADMIN,
  CUSTODIAN_PUBLIC_URL: PUBLIC_URL,
  CUSTODIAN_DATABASE_URL: testDb.url,
  CUSTODIAN_DEV_ALLOW_LOOPBACK_HTTP: 'true',
  CUSTODIAN_UPSTREAM_TIMEOUT_MS: String(UPSTREAM_TIMEOUT_MS),
  CUSTODIAN_BACKGROUND_REFRESH: 'false',
  // Nothing should be written there (keys and token are given), but never into the work tree.
  CUSTODIAN_DATA_DIR: dataDir,
});

async function startReplica(): Promise<BrokerProcess> {
  const broker = await startBroker(brokerEnv());
  started.push(broker);
  return broker;
}

/** kill -9: no shutdown hook runs, leases and connections are left as they were. */
async function killHard(broker: BrokerProcess): Promise<void> {
  if (broker.child.exitCode === null && broker.child.signalCode === null) broker.child.kill('SIGKILL');
  await broker.exited;
}

/** The tail of a broker's output, for assertion messages. */
const logsOf = (broker: BrokerProcess) => `${broker.stdout().slice(-3000)}\n${broker.stderr().slice(-2000)}`;

async function adminCall(broker: BrokerProcess, path: string, body: unknown) {
  const res = await fetch(`${broker.url}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const json = (await res.json()) as Record<string, unknown>;
  if (res.status !== 201) throw new Error(`${path}: ${res.status} ${JSON.stringify(json)}`);
  return json;
}

interface Answer {
  status: number;
  body: Record<string, unknown>;
}

async function handOut(broker: BrokerProcess, connectionId: string): Promise<Answer> {
  const res = await fetch(`${broker.url}/v1/connections/${connectionId}/access-token`, {
    method: 'POST',
    headers: { authorization: `Bearer ${serviceToken}`, 'content-type': 'application/json' },
    body: '{}',
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

async function connectionStatus(broker: BrokerProcess, connectionId: string): Promise<string> {
  const res = await fetch(`${broker.url}/v1/connections/${connectionId}`, {
    headers: { authorization: `Bearer ${serviceToken}` },
  });
  expect(res.status).toBe(200);
  return ((await res.json()) as { status: string }).status;
}

/** Whom the authorization server says the token belongs to, or its HTTP status when it refuses it. */
async function userinfo(accessToken: unknown): Promise<string | number> {
  const res = await fetch(as.endpoints.userinfo, {
    headers: { authorization: `Bearer ${String(accessToken)}` },
  });
  if (res.status !== 200) return res.status;
  return ((await res.json()) as { sub: string }).sub;
}

async function readRow(connectionId: string) {
  const { db, tables } = testDb.database;
  const [row] = await db.select().from(tables.connections).where(eq(tables.connections.id, connectionId));
  if (!row) throw new Error(`no row ${connectionId}`);
  return row;
}

/**
 * A connection row as the connect flow would have stored it, from a real grant (a 60-second access
 * token), issued `issuedAgoMs` before now: by default two minutes ago, so the token expired a minute
 * ago and the next hand-out has to refresh.
 */
async function seedConnection(account: string, issuedAgoMs = 120_000) {
  const grant = await obtainGrant(as, REDIRECT_URI, account);
  const id = `conn_${randomBytes(16).toString('base64url')}`;
  const now = Date.now();
  const issuedAt = now - issuedAgoMs;
  await testDb.database.db.insert(testDb.database.tables.connections).values({
    id,
    tenant: 'acme',
    providerId: 'oidc',
    endUser: `user-${account}`,
    accountId: account,
    accountEmail: `${account}@example.test`,
    accountDisplayName: `Name of ${account}`,
    scopes: JSON.stringify(grant.scope.split(' ')),
    status: 'active',
    accessToken: vault.encrypt(grant.accessToken, tokenLocation(id, 'access_token')),
    refreshToken: vault.encrypt(grant.refreshToken, tokenLocation(id, 'refresh_token')),
    tokenType: 'Bearer',
    expiresAt: issuedAt + grant.expiresIn * 1000,
    tokenIssuedAt: issuedAt,
    grantedAt: issuedAt,
    tokenVersion: 0,
    createdAt: now,
    updatedAt: now,
  });
  return { id, account, seededAccessToken: grant.accessToken };
}

const seedExpiredConnection = (account: string) => seedConnection(account);

/** Hand-outs one after another, alternating between the replicas, `gapMs` apart. */
async function sequentialHandOuts(connectionId: string, count: number, gapMs: number): Promise<Answer[]> {
  const answers: Answer[] = [];
  for (let i = 0; i < count; i++) {
    answers.push(await handOut(i % 2 === 0 ? brokerA : brokerB, connectionId));
    await new Promise((r) => setTimeout(r, gapMs));
  }
  return answers;
}

describe.skipIf(!postgres)('replicas of the built broker on one Postgres', () => {
  beforeAll(async () => {
    if (!existsSync(mainScript)) throw new Error(`${mainScript} is missing: run npm run build first`);
    dataDir = mkdtempSync(join(tmpdir(), 'custodian-replicas-'));
    // 60-second tokens under the default 300-second buffer: a freshness rule that ignored the token's
    // own lifetime would refresh on every hand-out, and in waves after an expiry.
    as = await startAuthorizationServer({ redirectUris: [REDIRECT_URI], accessTokenTtlSeconds: 60 });
    testDb = await createTestDatabase('postgres', true);
    [brokerA, brokerB] = await Promise.all([startReplica(), startReplica()]);

    const provider = await adminCall(brokerA, '/v1/admin/providers', providerDefinition(as));
    expect(provider.expiry_buffer_seconds).toBe(300);
    const client = await adminCall(brokerA, '/v1/admin/clients', {
      name: 'replica test service',
      grants: allGrants(),
    });
    const res = await fetch(`${brokerA.url}/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: String(client.client_id),
        client_secret: String(client.client_secret),
      }),
    });
    expect(res.status).toBe(200);
    serviceToken = ((await res.json()) as { access_token: string }).access_token;
  });

  afterAll(async () => {
    // Processes first (they hold database connections), then the server, then the database.
    await Promise.allSettled(started.map(killHard));
    await as?.close();
    await testDb?.destroy();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('two broker processes on one Postgres, 100 concurrent hand-outs each of an expired token, cause exactly one refresh and no invalid_grant', async () => {
    const connection = await seedExpiredConnection('replica-alice');
    const refreshesBefore = as.grants.refresh_token;
    const errorsBefore = as.tokenErrors.length;

    const answers = await Promise.all(
      [brokerA, brokerB].flatMap((broker) =>
        Array.from({ length: 100 }, () => handOut(broker, connection.id)),
      ),
    );

    const statuses = new Map<number, number>();
    for (const a of answers) statuses.set(a.status, (statuses.get(a.status) ?? 0) + 1);
    expect(Object.fromEntries(statuses), `${logsOf(brokerA)}\n${logsOf(brokerB)}`).toEqual({ 200: 200 });
    const tokens = new Set(answers.map((a) => a.body.access_token));
    expect(tokens.size).toBe(1);
    const [token] = tokens;
    expect(token).not.toBe(connection.seededAccessToken);
    expect(await userinfo(token)).toBe('replica-alice');

    expect(as.grants.refresh_token - refreshesBefore).toBe(1);
    expect(as.tokenErrors.slice(errorsBefore)).toEqual([]);
    const row = await readRow(connection.id);
    expect(row.tokenVersion).toBe(1);
    expect(row.refreshLeaseOwner).toBeNull();
    expect(row.expiresAt).toBeGreaterThan(Date.now());

    // The new 60-second token is young: hand-outs on both replicas answer it as it is.
    const later = await sequentialHandOuts(connection.id, 10, 100);
    expect(later.map((a) => a.status)).toEqual(Array(10).fill(200));
    expect(new Set(later.map((a) => a.body.access_token))).toEqual(new Set([token]));
    expect(as.grants.refresh_token - refreshesBefore).toBe(1);
    expect((await readRow(connection.id)).tokenVersion).toBe(1);
  });

  it('two broker processes do not refresh a young short-lived token on sequential hand-outs', async () => {
    // Issued five seconds ago, 55 seconds left: inside the default buffer, but under half its life.
    const connection = await seedConnection('replica-young', 5_000);
    const refreshesBefore = as.grants.refresh_token;
    const answers = await sequentialHandOuts(connection.id, 20, 100);
    expect(
      answers.map((a) => a.status),
      `${logsOf(brokerA)}\n${logsOf(brokerB)}`,
    ).toEqual(Array(20).fill(200));
    expect(new Set(answers.map((a) => a.body.access_token))).toEqual(new Set([connection.seededAccessToken]));
    // The true lifetime left, never more than the token has.
    for (const a of answers) expect(a.body.expires_in).toBeLessThanOrEqual(55);
    expect(as.grants.refresh_token - refreshesBefore).toBe(0);
    expect((await readRow(connection.id)).tokenVersion).toBe(0);
    expect(await userinfo(connection.seededAccessToken)).toBe('replica-young');
  });

  it('a replica killed with SIGKILL while idle is replaced, and the new one refreshes an expired connection', async () => {
    const connection = await seedExpiredConnection('replica-bob');
    // A is alive and serving, with nothing in flight for this connection.
    expect(await connectionStatus(brokerA, connection.id)).toBe('active');
    await killHard(brokerA);
    brokerA = await startReplica();

    const refreshesBefore = as.grants.refresh_token;
    const answer = await handOut(brokerA, connection.id);
    expect(answer.status, logsOf(brokerA)).toBe(200);
    expect(answer.body.access_token).not.toBe(connection.seededAccessToken);
    expect(await userinfo(answer.body.access_token)).toBe('replica-bob');
    expect(as.grants.refresh_token - refreshesBefore).toBe(1);
    expect((await readRow(connection.id)).tokenVersion).toBe(1);
  });

  it('a replica killed with SIGKILL after the provider rotated the token but before it answered leaves a working token or needs_reauth, never a dead token', async ({
    annotate,
  }) => {
    const connection = await seedExpiredConnection('replica-carol');
    const untouched = await seedExpiredConnection('replica-dave');
    const errorsBefore = as.tokenErrors.length;

    const held = as.holdRefreshAnswers();
    let released = false;
    try {
      // The request dies with A; its rejection is expected.
      const lost = handOut(brokerA, connection.id).catch((error: unknown) => error);
      await held.reached;
      // The server has rotated the refresh token; A holds the lease and is about to hear the new one.
      const leased = await readRow(connection.id);
      expect(leased.refreshLeaseOwner).not.toBeNull();
      await killHard(brokerA);
      held.release();
      released = true;
      expect(await lost).toBeInstanceOf(Error);
    } finally {
      if (!released) held.release();
    }

    brokerA = await startReplica();
    const startedAt = Date.now();
    const answer = await handOut(brokerA, connection.id);
    const waitedMs = Date.now() - startedAt;
    // Which of the two allowed outcomes happened, and how long A' waited, in the test report.
    await annotate(`A' answered ${answer.status} after ${waitedMs} ms`);

    // A' waits out A's lease (no more), then refreshes with the only token it has.
    expect(waitedMs).toBeLessThan(LEASE_MS + 2_000);
    expect(answer.status, logsOf(brokerA)).toBeLessThan(500);
    if (answer.status === 200) {
      expect(await userinfo(answer.body.access_token)).toBe('replica-carol');
    } else {
      // The stored refresh token was the rotated-away one: reuse detection killed the grant.
      expect(answer.status).toBe(409);
      expect(answer.body.code).toBe('connection_needs_reauth');
      expect(await connectionStatus(brokerA, connection.id)).toBe('needs_reauth');
      expect(as.tokenErrors.slice(errorsBefore)).toEqual(['invalid_grant']);
      const row = await readRow(connection.id);
      expect(row.tokenVersion).toBe(0);
      expect(row.refreshLeaseOwner).toBeNull();
      // The answer stays the same, without calling the provider again.
      const requests = as.tokenRequests.length;
      expect((await handOut(brokerA, connection.id)).status).toBe(409);
      expect(as.tokenRequests.length).toBe(requests);
    }

    // Another connection was never touched by the crash.
    const other = await handOut(brokerA, untouched.id);
    expect(other.status, logsOf(brokerA)).toBe(200);
    expect(other.body.access_token).not.toBe(untouched.seededAccessToken);
    expect(await userinfo(other.body.access_token)).toBe('replica-dave');
    // And the surviving replica hands out the same token without refreshing again.
    const refreshes = as.grants.refresh_token;
    const fromB = await handOut(brokerB, untouched.id);
    expect(fromB.status).toBe(200);
    expect(fromB.body.access_token).toBe(other.body.access_token);
    expect(as.grants.refresh_token).toBe(refreshes);
  });

  it('a replica killed with SIGKILL right after a refresh committed leaves the new token to its successor', async () => {
    const connection = await seedExpiredConnection('replica-erin');
    const refreshesBefore = as.grants.refresh_token;
    const first = await handOut(brokerA, connection.id);
    await killHard(brokerA);
    expect(first.status, logsOf(brokerA)).toBe(200);
    expect(as.grants.refresh_token - refreshesBefore).toBe(1);

    brokerA = await startReplica();
    const again = await handOut(brokerA, connection.id);
    expect(again.status, logsOf(brokerA)).toBe(200);
    expect(again.body.access_token).toBe(first.body.access_token);
    expect(as.grants.refresh_token - refreshesBefore).toBe(1);
    expect(await userinfo(again.body.access_token)).toBe('replica-erin');
    expect((await readRow(connection.id)).tokenVersion).toBe(1);
  });
});
