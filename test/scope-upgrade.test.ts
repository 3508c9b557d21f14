import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, allGrants } from '../src/test-support/app.js';
import {
  providerDefinition,
  startAuthorizationServer,
  type TestAuthorizationServer,
} from './support/authorization-server.js';
import { TestBrowser } from './support/browser.js';
import { type ServedBroker, serveBroker } from './support/serve-app.js';

/**
 * Scope upgrade against a real authorization server: a connect session that
 * names an existing connection and extra scopes gives that same connection the
 * new grant; a declined or foreign-account upgrade changes nothing.
 */

const RETURN_TO = 'https://app.example/connected';
const atApp = (url: URL) => url.origin === 'https://app.example';

let broker: ServedBroker;
let as: TestAuthorizationServer;

beforeAll(async () => {
  broker = await serveBroker({
    serviceGrants: allGrants({ return_to_origins: ['https://app.example'] }),
    upstreamTimeoutMs: 2_000,
  });
  as = await startAuthorizationServer({ redirectUris: [broker.callbackUrl('oidc')] });
  // A second provider at the same server: a connection of one is no upgrade target for the other.
  for (const provider_id of ['oidc', 'oidc-other']) {
    const res = await fetch(`${broker.url}/v1/admin/providers`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify(
        providerDefinition(as, {
          provider_id,
          scopes: ['openid', 'offline_access'],
          authorization_params: { prompt: 'consent' },
        }),
      ),
    });
    expect(res.status).toBe(201);
  }
});

afterAll(async () => {
  await broker?.close();
  await as?.close();
});

async function run(extra: Record<string, unknown>) {
  const res = await broker.t.service('POST', '/v1/connect-sessions', {
    provider: 'oidc',
    tenant: 'acme',
    end_user: 'user-1',
    return_to: RETURN_TO,
    ...extra,
  });
  expect(res.status).toBe(201);
  const { id, connect_url } = await res.json();
  const visit = await new TestBrowser({ stopAt: atApp }).visit(connect_url);
  return { sessionId: id as string, landed: new URL(visit.url), visit };
}

const rows = async () => {
  const db = broker.t.deps.database;
  return db.db.select().from(db.tables.connections);
};

describe('scope upgrade', () => {
  it('gives the same connection the new grant and scopes; a declined or foreign upgrade changes nothing', async () => {
    as.setLogin('alice');
    const first = await run({});
    const id = first.landed.searchParams.get('connection_id')!;
    const before = (await (await broker.t.service('GET', `/v1/connections/${id}`)).json()).scopes;
    expect(before).not.toContain('email');

    // Declined: the session fails, the connection keeps its tokens and scopes.
    const stored = (await rows()).find((r) => r.id === id)!;
    as.setLogin({ deny: true });
    const declined = await run({ connection_id: id, scopes: ['email', 'profile'] });
    expect(declined.landed.searchParams.get('error')).toBe('access_denied');
    const untouched = (await rows()).find((r) => r.id === id)!;
    expect(untouched.accessToken).toBe(stored.accessToken);
    expect(untouched.scopes).toBe(stored.scopes);

    // Another account signs in: refused, nothing stored, no second connection.
    as.setLogin('mallory');
    const foreign = await run({ connection_id: id, scopes: ['email'] });
    expect(foreign.landed.searchParams.get('error')).toBe('account_mismatch');
    expect((await rows()).length).toBe(1);
    expect((await rows())[0]!.accessToken).toBe(stored.accessToken);

    // Accepted: the authorization request asked for the old scopes and the new ones.
    as.setLogin('alice');
    const upgraded = await run({ connection_id: id, scopes: ['email', 'profile'] });
    const toProvider = new URL(upgraded.visit.hops.find((h) => h.url.startsWith(`${as.issuer}/auth?`))!.url);
    expect(toProvider.searchParams.get('scope')!.split(' ').sort()).toEqual(
      ['email', 'offline_access', 'openid', 'profile'].sort(),
    );
    expect(upgraded.landed.searchParams.get('connection_id')).toBe(id);
    const after = await (await broker.t.service('GET', `/v1/connections/${id}`)).json();
    expect(after.scopes).toEqual(expect.arrayContaining(['openid', 'email', 'profile']));
    expect((await rows()).length).toBe(1);
    expect((await rows())[0]!.accessToken).not.toBe(stored.accessToken);
  });

  it('refuses a connection of another tenant or provider, or one that does not exist', async () => {
    for (const extra of [
      { connection_id: 'conn_nope' },
      { connection_id: (await rows())[0]!.id, tenant: 'other' },
      { connection_id: (await rows())[0]!.id, provider: 'oidc-other' },
    ]) {
      const res = await broker.t.service('POST', '/v1/connect-sessions', {
        provider: 'oidc',
        tenant: 'acme',
        end_user: 'user-1',
        ...extra,
      });
      expect(res.status, JSON.stringify(extra)).toBe(404);
      expect((await res.json()).code).toBe('connection_not_found');
    }
  });

  it('refuses another end user’s connection with 409 end_user_mismatch, starting no session', async () => {
    const [connection] = await rows();
    expect(connection!.endUser).toBe('user-1');
    const db = broker.t.deps.database;
    const sessionsBefore = (await db.db.select().from(db.tables.connectSessions)).length;
    const res = await broker.t.service('POST', '/v1/connect-sessions', {
      provider: 'oidc',
      tenant: 'acme',
      end_user: 'user-2',
      connection_id: connection!.id,
      scopes: ['email'],
    });
    expect(res.status).toBe(409);
    const body = await res.json();
    expect(body.code).toBe('end_user_mismatch');
    expect(body.errors).toEqual([{ pointer: '/end_user', message: expect.any(String) }]);
    expect((await db.db.select().from(db.tables.connectSessions)).length).toBe(sessionsBefore);
    expect((await rows())[0]).toEqual(connection);
  });

  it('fails an upgrade whose connection went to another end user meanwhile, changing nothing', async () => {
    as.setLogin('alice');
    const [connection] = await rows();
    const started = await broker.t.service('POST', '/v1/connect-sessions', {
      provider: 'oidc',
      tenant: 'acme',
      end_user: 'user-1',
      return_to: RETURN_TO,
      connection_id: connection!.id,
      scopes: ['email'],
    });
    expect(started.status).toBe(201);
    const upgrade = await started.json();
    // Meanwhile user-2 connects the same account: the same connection, now theirs.
    const reconnect = await run({ end_user: 'user-2' });
    expect(reconnect.landed.searchParams.get('connection_id')).toBe(connection!.id);
    const moved = (await rows())[0]!;
    expect(moved.endUser).toBe('user-2');

    const visit = await new TestBrowser({ stopAt: atApp }).visit(upgrade.connect_url);
    expect(new URL(visit.url).searchParams.get('error')).toBe('end_user_mismatch');
    expect(await rows()).toEqual([moved]);
  });
});
