import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tokenLocation } from '../src/connections/token-location.js';
import { ADMIN_TOKEN, allGrants } from '../src/test-support/app.js';
import { startWebhookReceiver, type WebhookReceiver } from '../src/test-support/webhook-receiver.js';
import {
  providerDefinition,
  startAuthorizationServer,
  type TestAuthorizationServer,
} from './support/authorization-server.js';
import { TestBrowser } from './support/browser.js';
import { type ServedBroker, serveBroker } from './support/serve-app.js';

/**
 * Connection events end to end: the broker on real HTTP, a real
 * authorization server, and real receivers on 127.0.0.1. Connect, reconnect,
 * a refresh answered invalid_grant, a denied connect and a delete each
 * arrive once per endpoint, verified by the independent `standardwebhooks`
 * package; a receiver that fails once gets the event again seconds later
 * with the same id; an endpoint bound to another tenant's client hears
 * nothing; and no token the provider issued, nor any secret, shows up in a
 * payload or a log line.
 */

const RETURN_TO = 'https://app.example/connected';
let broker: ServedBroker;
let as: TestAuthorizationServer;
const receivers: Record<'admin' | 'acme' | 'globex', WebhookReceiver> = {} as never;
const secrets: Record<string, string> = {};
/** Every token the provider issued for the connection, as read from the vault. */
const issued: string[] = [];

const admin = (method: string, path: string, body?: unknown) =>
  fetch(`${broker.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });

beforeAll(async () => {
  broker = await serveBroker({
    serviceGrants: allGrants({ return_to_origins: ['https://app.example'] }),
    upstreamTimeoutMs: 2000,
  });
  as = await startAuthorizationServer({ redirectUris: [broker.callbackUrl('oidc')] });
  expect(
    (
      await admin(
        'POST',
        '/v1/admin/providers',
        providerDefinition(as, { authorization_params: { prompt: 'consent' } }),
      )
    ).status,
  ).toBe(201);
  receivers.admin = await startWebhookReceiver((_r, index) => (index === 0 ? 503 : 200));
  receivers.acme = await startWebhookReceiver();
  receivers.globex = await startWebhookReceiver();
  const acme = await broker.t.client(allGrants({ tenants: ['acme'] }));
  const globex = await broker.t.client(allGrants({ tenants: ['globex'] }));
  for (const [name, clientId] of [
    ['admin', null],
    ['acme', acme.clientId],
    ['globex', globex.clientId],
  ] as const) {
    const res = await admin('POST', '/v1/admin/webhook-endpoints', {
      url: receivers[name].url,
      client_id: clientId,
    });
    expect(res.status).toBe(201);
    secrets[name] = ((await res.json()) as { secret: string }).secret;
  }
  broker.t.services.webhookSender.start();
});

afterAll(async () => {
  await broker?.close();
  await as?.close();
  for (const r of Object.values(receivers)) await r?.close();
});

const service = (method: string, path: string, body?: unknown) => broker.t.service(method, path, body);

async function connect(login: string | { deny: true }) {
  as.setLogin(login);
  const res = await service('POST', '/v1/connect-sessions', {
    provider: 'oidc',
    tenant: 'acme',
    end_user: 'user-1',
    return_to: RETURN_TO,
  });
  const session = (await res.json()) as { connect_url: string };
  const visit = await new TestBrowser({ stopAt: (url) => url.origin === 'https://app.example' }).visit(
    session.connect_url,
  );
  return new URL(visit.url).searchParams.get('connection_id');
}

async function remember(id: string) {
  const db = broker.t.deps.database;
  const [row] = (await db.db.select().from(db.tables.connections)).filter((r) => r.id === id);
  issued.push(broker.t.deps.vault.decrypt(row!.accessToken, tokenLocation(id, 'access_token')));
  issued.push(broker.t.deps.vault.decrypt(row!.refreshToken!, tokenLocation(id, 'refresh_token')));
}

describe('connection events over webhooks', () => {
  it('delivers each change once, signed, to the endpoints that may see it', async () => {
    const id = (await connect('alice'))!;
    expect(id).toMatch(/^conn_/);
    await remember(id);
    expect(await connect('alice')).toBe(id);
    await remember(id);
    // Hand-outs, a forced (successful) refresh among them, are no connection event.
    for (const body of [{}, { force_refresh: true }, {}])
      expect((await service('POST', `/v1/connections/${id}/access-token`, body)).status).toBe(200);
    await remember(id);

    // The user revokes the app at the provider; the next refresh is answered invalid_grant.
    const basic = Buffer.from(
      `${encodeURIComponent(as.clientId)}:${encodeURIComponent(as.clientSecret)}`,
    ).toString('base64');
    const revoked = await fetch(as.endpoints.revocation, {
      method: 'POST',
      headers: { authorization: `Basic ${basic}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token: issued.at(-1)!, token_type_hint: 'refresh_token' }),
    });
    expect(revoked.status).toBe(200);
    const handOut = await service('POST', `/v1/connections/${id}/access-token`, { force_refresh: true });
    expect(handOut.status).toBe(409);
    expect(as.tokenErrors.at(-1)).toBe('invalid_grant');

    expect(await connect({ deny: true })).toBeNull();
    expect((await service('DELETE', `/v1/connections/${id}`)).status).toBe(204);

    const expected = [
      'connection.created',
      'connection.reconnected',
      'connection.needs_reauth',
      'connect_session.failed',
      'connection.deleted',
    ];
    await receivers.acme.waitFor(5);
    // The admin receiver failed its first request: the retry comes 5 to 7.5 s later, same id.
    const adminRequests = await receivers.admin.waitFor(6, 15_000);
    const [first, retry] = [
      adminRequests[0]!,
      adminRequests.find((r, i) => i > 0 && r.body === adminRequests[0]!.body)!,
    ];
    expect(retry.headers['webhook-id']).toBe(first.headers['webhook-id']);
    expect(retry.at - first.at).toBeGreaterThanOrEqual(4500);
    expect(retry.at - first.at).toBeLessThan(12_000);

    await new Promise((resolve) => setTimeout(resolve, 1500)); // nothing more may come
    for (const name of ['admin', 'acme'] as const) {
      const requests = receivers[name].received;
      expect(requests).toHaveLength(name === 'admin' ? 6 : 5);
      const events = requests.map((r) =>
        new Webhook(secrets[name]!).verify(r.body, r.headers as Record<string, string>),
      );
      const byId = new Map(requests.map((r, i) => [r.headers['webhook-id'], events[i] as { type: string }]));
      // Exactly once each (order is not promised: up to 4 deliveries per endpoint are in flight at once).
      expect([...byId.values()].map((e) => e.type).sort()).toEqual([...expected].sort());
      expect(() =>
        new Webhook(secrets.globex!).verify(
          requests[0]!.body,
          requests[0]!.headers as Record<string, string>,
        ),
      ).toThrow();
    }
    expect(receivers.globex.received).toHaveLength(0);

    const received = receivers.acme.events();
    const event = (type: string) => received.find((e) => e.type === type)!;
    expect(event('connection.created').data).toEqual({
      connection_id: id,
      tenant: 'acme',
      end_user: 'user-1',
      provider_id: 'oidc',
      account: { user_id: 'alice', email: 'alice@example.test', display_name: 'Name of alice' },
      status: 'active',
    });
    expect(event('connection.needs_reauth').data).toMatchObject({
      status: 'needs_reauth',
      error: 'invalid_grant',
    });
    expect(event('connect_session.failed').data).toMatchObject({
      connection_id: null,
      status: 'failed',
      error: 'access_denied',
      account: null,
    });
    expect(event('connection.deleted').data).toMatchObject({ connection_id: id, status: 'deleted' });

    // No token the provider issued, no webhook secret and no client secret in any payload or log line.
    const markers = [...issued, as.clientSecret, ...Object.values(secrets).map((s) => s.slice(6))];
    expect(issued).toHaveLength(6);
    const everything = [
      ...Object.values(receivers).flatMap((r) => r.received.map((q) => q.body + JSON.stringify(q.headers))),
      ...broker.t.logs,
    ].join('\n');
    for (const marker of markers) expect(everything).not.toContain(marker);
    expect(broker.t.logs.join('\n')).toContain('webhook attempt');
  });
});
