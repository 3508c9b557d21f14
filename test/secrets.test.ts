import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EXCHANGE_GRACE_MS } from '../src/connect/session-expiry.js';
import { tokenLocation } from '../src/connections/token-location.js';
import { ADMIN_TOKEN, allGrants, createTestApp } from '../src/test-support/app.js';
import { Vault } from '../src/vault/vault.js';
import { type IdTokenMaker, startFakeOidcIssuer } from './support/fake-oidc-issuer.js';

/**
 * Seeds marker secrets (a provider's client secret, a connection's tokens,
 * a service client's secret and token, the admin credential, the vault key),
 * drives every route with them, including malformed and hostile requests,
 * and checks they appear nowhere they should not: not in an answer (body or
 * header), a log line, an audit event, or the database files. ID tokens,
 * accepted or refused, and the nonces they carry get the same check.
 */

const CLIENT_SECRET = `MARKER-client-secret-${randomBytes(8).toString('hex')}`;
const ROTATED_SECRET = `MARKER-rotated-secret-${randomBytes(8).toString('hex')}`;
const ACCESS_TOKEN = `MARKER-access-token-${randomBytes(8).toString('hex')}`;
const REFRESH_TOKEN = `MARKER-refresh-token-${randomBytes(8).toString('hex')}`;
const keyMaterial = randomBytes(32);
const KEY_TEXT = keyMaterial.toString('base64');

describe('secrets stay secret', () => {
  it('no marker leaks through answers, logs or the database file', async () => {
    const t = await createTestApp({
      vault: new Vault([{ id: 'marker', material: keyMaterial }]),
      secrets: [KEY_TEXT],
      // Low enough that the bad-secret attempts below end in 429 answers, recorded like the others.
      rateLimits: { clientFailures: 2 },
    });
    const answers: string[] = [];
    const record = async (res: Response) => {
      answers.push(`${res.status} ${JSON.stringify([...res.headers])} ${await res.clone().text()}`);
      return res;
    };
    const database = () => t.testDatabase.database;
    const webhookSecrets: string[] = [];
    try {
      const created = await record(
        await t.admin('POST', '/v1/admin/providers', {
          preset: 'dropbox',
          client_id: 'cid',
          client_secret: CLIENT_SECRET,
        }),
      );
      expect(created.status).toBe(201);
      await record(
        await t.admin('POST', '/v1/admin/providers', {
          preset: 'box',
          client_id: 'cid',
          client_secret: CLIENT_SECRET,
          token_url: 'https://10.0.0.1/token',
        }),
      );
      await record(await t.admin('POST', '/v1/admin/providers', `{"client_secret": "${CLIENT_SECRET}"`));
      await record(
        await t.admin('POST', '/v1/admin/providers', {
          preset: 'dropbox',
          client_secret: CLIENT_SECRET,
          x: 1,
        }),
      );
      await record(await t.admin('PATCH', '/v1/admin/providers/dropbox', { client_secret: ROTATED_SECRET }));
      await record(
        await t.admin('PATCH', '/v1/admin/providers/dropbox', { client_secret: 7, token_url: 'nope' }),
      );
      await record(await t.admin('PUT', '/v1/admin/providers/dropbox', { client_secret: CLIENT_SECRET }));
      // A provider with per-connection URL parameters and metadata; metadata may not point at a token.
      const realms = await record(
        await t.admin('POST', '/v1/admin/providers', {
          provider_id: 'realms',
          display_name: 'Realms',
          client_id: 'cid',
          client_secret: CLIENT_SECRET,
          authorization_url: 'https://{realm}.sso.example/auth',
          token_url: 'https://{realm}.sso.example/token',
          userinfo: { user_id: ['/sub'] },
          connection_params: { realm: { pattern: '[a-z]{1,20}', description: 'the realm' } },
          token_response_metadata: { instance_url: '/instance_url' },
        }),
      );
      expect(realms.status).toBe(201);
      const pointsAtToken = await record(
        await t.admin('PATCH', '/v1/admin/providers/realms', {
          token_response_metadata: { leak: '/refresh_token' },
          client_secret: CLIENT_SECRET,
        }),
      );
      expect(pointsAtToken.status).toBe(400);
      // Nor may a dead-grant code be read from a member that may hold a token; the refusal echoes nothing.
      const readsToken = await record(
        await t.admin('PATCH', '/v1/admin/providers/realms', {
          refresh_grant_dead_errors: [{ error: REFRESH_TOKEN, field: 'refresh_token' }],
        }),
      );
      expect(readsToken.status).toBe(400);
      // A connection holding marker tokens, and a service client that reads and uses it.
      const now = Date.now();
      await t.deps.database.db.insert(t.deps.database.tables.connections).values({
        id: 'conn_marker',
        tenant: 'acme',
        providerId: 'dropbox',
        endUser: 'u',
        accountId: 'acct',
        scopes: '[]',
        status: 'active',
        accessToken: t.deps.vault.encrypt(ACCESS_TOKEN, tokenLocation('conn_marker', 'access_token')),
        refreshToken: t.deps.vault.encrypt(REFRESH_TOKEN, tokenLocation('conn_marker', 'refresh_token')),
        tokenType: 'Bearer',
        expiresAt: now + 3600_000,
        connectionParams: JSON.stringify({ realm: 'acme' }),
        metadata: JSON.stringify({ instance_url: 'https://acme.instance.example' }),
        createdAt: now,
        updatedAt: now,
      });
      const client = await t.client();
      const serviceToken = await client.token();
      // Guessed secrets (markers themselves) until a client id is limited, then its right secret: 429.
      const victim = await t.client();
      const tokenWith = (secret: string) =>
        t.app.request('/oauth/token', {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({
            grant_type: 'client_credentials',
            client_id: victim.clientId,
            client_secret: secret,
          }),
        });
      for (const guess of [CLIENT_SECRET, REFRESH_TOKEN])
        expect((await record(await tokenWith(guess))).status).toBe(401);
      expect((await record(await tokenWith(victim.secret))).status).toBe(429);
      for (const route of t.routes.filter((r) => r.method === 'get')) {
        const path = route.path.replace('{provider_id}', 'dropbox').replace('{id}', 'conn_marker');
        await record(await (route.auth === 'service' ? client.request('GET', path) : t.admin('GET', path)));
      }
      // Connection parameters and metadata are shown with the connection (no token among them).
      const shown = await client.request('GET', '/v1/connections/conn_marker');
      expect(await shown.json()).toMatchObject({
        connection_params: { realm: 'acme' },
        metadata: { instance_url: 'https://acme.instance.example' },
      });
      // Connect sessions with connection parameters, the refused values being markers: never echoed.
      const connector = await t.client(allGrants({ return_to_origins: ['https://app.example'] }));
      const startWith = (connection_params: unknown) =>
        connector.request('POST', '/v1/connect-sessions', {
          provider: 'realms',
          tenant: 'acme',
          end_user: 'u',
          return_to: 'https://app.example/done',
          connection_params,
        });
      expect((await record(await startWith({ realm: 'acme' }))).status).toBe(201);
      for (const hostile of [
        { realm: CLIENT_SECRET },
        { realm: `${REFRESH_TOKEN}/x` },
        { realm: 'acme', other: ACCESS_TOKEN },
        { realm: 7, other: { nested: CLIENT_SECRET } },
      ]) {
        expect((await record(await startWith(hostile))).status).toBe(400);
      }
      // The hand-out is the one answer allowed to carry the access token.
      const handOut = await client.request('POST', '/v1/connections/conn_marker/access-token', {});
      const handOutText = await handOut.text();
      expect(handOutText).toContain(ACCESS_TOKEN);
      expect(handOutText).not.toContain(REFRESH_TOKEN);
      expect(JSON.parse(handOutText).metadata).toEqual({ instance_url: 'https://acme.instance.example' });
      await record(
        await client.request('POST', '/v1/connections/conn_marker/access-token', { force_refresh: 'x' }),
      );
      // A webhook endpoint: its secrets are shown once (those answers are not recorded) and never again;
      // deleting the connection queues a connection.deleted event in the database (no sender runs here).
      const endpoint = await t.admin('POST', '/v1/admin/webhook-endpoints', {
        url: 'https://hooks.example/in',
      });
      const { id: endpointId, secret: webhookSecret } = (await endpoint.json()) as Record<string, string>;
      const rotated = await (
        await t.admin('POST', `/v1/admin/webhook-endpoints/${endpointId}/rotate-secret`)
      ).text();
      expect(rotated).not.toContain(webhookSecret!.slice(6));
      const rotatedSecret = (JSON.parse(rotated) as { secret: string }).secret;
      webhookSecrets.push(webhookSecret!.slice(6), rotatedSecret.slice(6));
      for (const path of ['', `/${endpointId}`, `/${endpointId}/deliveries`])
        await record(await t.admin('GET', `/v1/admin/webhook-endpoints${path}`));
      await record(await t.admin('POST', `/v1/admin/webhook-endpoints/${endpointId}/test`));
      // Through the store: the route would first call Dropbox's real revocation endpoint.
      expect(await t.services.connections.delete('conn_marker')).toBe(true);
      // The connect session started above is abandoned: the expiry sweep queues its failure too.
      expect(await t.services.connect.sessions.expire(Date.now() + 11 * 60_000, EXCHANGE_GRACE_MS, 200)).toBe(
        1,
      );
      const queued = await database().db.select().from(database().tables.webhookDeliveries);
      expect(queued.map((d) => d.eventType).sort()).toEqual([
        'connect_session.failed',
        'connection.deleted',
        'webhook.test',
      ]);
      await t.services.audit.flush();
      await record(
        await t.app.request('/v1/admin/providers', { headers: { authorization: `Bearer ${CLIENT_SECRET}` } }),
      );

      const stored = await database().db.select().from(database().tables.providers);
      expect(stored.map((p) => p.id).sort()).toEqual(['dropbox', 'realms']);
      // The rotated secret is the one stored, encrypted.
      const where = { table: 'providers', column: 'client_secret', rowId: 'dropbox' };
      const dropbox = stored.find((p) => p.id === 'dropbox')!;
      expect(t.deps.vault.decrypt(dropbox.clientSecret!, where)).toBe(ROTATED_SECRET);

      const dbFiles = readdirSync(dirname(t.testDatabase.url)).map((f) =>
        readFileSync(join(dirname(t.testDatabase.url), f)).toString('latin1'),
      );
      const places: Array<[string, string]> = [
        ['answers', answers.join('\n')],
        ['logs', t.logs.join('\n')],
        ['database files', dbFiles.join('\n')],
        ['webhook payloads', queued.map((d) => d.payload).join('\n')],
      ];
      for (const [where, text] of places) {
        for (const marker of [
          CLIENT_SECRET,
          ROTATED_SECRET,
          ADMIN_TOKEN,
          KEY_TEXT,
          ACCESS_TOKEN,
          REFRESH_TOKEN,
          client.secret,
          victim.secret,
          connector.secret,
          serviceToken,
          ...webhookSecrets,
        ]) {
          expect(text.includes(marker), `${marker.slice(0, 20)}… found in ${where}`).toBe(false);
        }
      }
      expect(answers.length).toBeGreaterThan(10);
      expect(t.logs.length).toBeGreaterThan(10);
    } finally {
      await t.close();
    }
  });

  it('no ID token, claim or nonce leaks, whether the token is accepted or refused', async () => {
    const ID_MARKER = `MARKER-id-token-claim-${randomBytes(8).toString('hex')}`;
    const APP_REDIRECT = 'https://app.example/oauth/back';
    const t = await createTestApp({
      allowLoopbackHttp: true,
      serviceGrants: allGrants({ redirect_uris: [APP_REDIRECT] }),
    });
    const fake = await startFakeOidcIssuer({ redirectUris: [APP_REDIRECT] });
    const answers: string[] = [];
    const nonces: string[] = [];
    const record = async (res: Response) => {
      answers.push(`${res.status} ${JSON.stringify([...res.headers])} ${await res.clone().text()}`);
      return res;
    };
    const segment = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
    try {
      const created = await record(
        await t.admin('POST', '/v1/admin/providers', {
          provider_id: 'fake',
          display_name: 'Fake OIDC',
          client_id: fake.clientId,
          client_secret: fake.clientSecret,
          issuer: fake.issuer,
          scopes: ['openid'],
        }),
      );
      expect(created.status).toBe(201);
      const connectWith = async (maker: IdTokenMaker) => {
        fake.setIdToken(maker);
        const started = await record(
          await t.service('POST', '/v1/connect-sessions', {
            provider: 'fake',
            tenant: 'acme',
            end_user: 'u',
            redirect_uri: APP_REDIRECT,
          }),
        );
        const session = await started.json();
        nonces.push(new URL(session.authorization_url).searchParams.get('nonce')!);
        const back = new URL(
          (await fetch(session.authorization_url, { redirect: 'manual' })).headers.get('location')!,
        ).searchParams;
        const completed = await record(
          await t.service('POST', `/v1/connect-sessions/${session.id}/complete`, {
            code: back.get('code'),
            state: back.get('state'),
            iss: back.get('iss'),
          }),
        );
        await record(await t.service('GET', `/v1/connect-sessions/${session.id}`));
        return completed.status;
      };
      const marked = (valid: Record<string, unknown>) => ({ ...valid, custom: ID_MARKER });
      expect(await connectWith((valid, tools) => tools.sign(marked(valid)))).toBe(200);
      const refused: IdTokenMaker[] = [
        (valid, tools) => tools.sign({ ...marked(valid), iss: `https://${ID_MARKER}.example` }),
        (valid, tools) => tools.sign({ ...marked(valid), aud: ID_MARKER }),
        (valid, tools) => tools.sign({ ...marked(valid), nonce: ID_MARKER }),
        (valid, tools) => tools.sign({ ...marked(valid), exp: 1 }),
        async (valid, tools) => tools.sign(marked(valid), { ...(await tools.foreignKey()), kid: ID_MARKER }),
        async (valid) => `${segment({ alg: 'none', kid: ID_MARKER })}.${segment(marked(valid))}.`,
        async () => `${ID_MARKER}.${ID_MARKER}.${ID_MARKER}`,
      ];
      for (const maker of refused) expect(await connectWith(maker)).toBe(502);
      await record(await t.service('GET', '/v1/connections?tenant=acme'));
      await t.services.audit.flush();

      const database = t.testDatabase.database;
      const connections = await database.db.select().from(database.tables.connections);
      expect(connections).toHaveLength(1);
      const dbFiles = readdirSync(dirname(t.testDatabase.url)).map((f) =>
        readFileSync(join(dirname(t.testDatabase.url), f)).toString('latin1'),
      );
      const places: Array<[string, string, string[]]> = [
        // The authorization URL handed to the service carries its nonce, by design.
        ['answers', answers.join('\n'), [ID_MARKER, ...fake.issued]],
        ['logs', t.logs.join('\n'), [ID_MARKER, ...fake.issued, ...nonces]],
        ['database files', dbFiles.join('\n'), [ID_MARKER, ...fake.issued, ...nonces]],
      ];
      expect(fake.issued).toHaveLength(8);
      for (const [where, text, markers] of places) {
        for (const marker of markers) {
          expect(text.includes(marker), `${marker.slice(0, 20)}… found in ${where}`).toBe(false);
        }
      }
      expect(t.logs.some((line) => line.includes('id_token_invalid'))).toBe(true);
    } finally {
      await fake.close();
      await t.close();
    }
  });
});
