import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, allGrants, type TestClient } from '../src/test-support/app.js';
import { startWebhookReceiver, type WebhookReceiver } from '../src/test-support/webhook-receiver.js';
import {
  providerDefinition,
  startAuthorizationServer,
  type TestAuthorizationServer,
} from './support/authorization-server.js';
import { TestBrowser } from './support/browser.js';
import { type ServedBroker, serveBroker } from './support/serve-app.js';

/**
 * Abandoned connect sessions, end to end: the broker on real HTTP with a
 * clock the test moves, a real authorization server, and a real webhook
 * receiver. Sessions the end user walked away from (one at the provider's
 * callback, one never opened) are failed by the expiry sweep with one
 * signed `connect_session.failed` each (`session_expired`); coming back
 * later still gets the expired answers, and tells nobody twice.
 */

const RETURN_TO = 'https://app.example/connected';
const OWN_REDIRECT = 'https://app.example/oauth/back';
const MINUTE = 60_000;
let broker: ServedBroker;
let as: TestAuthorizationServer;
let receiver: WebhookReceiver;
let secret: string;
let svc: TestClient;
// The sessions are made 11 minutes in the past, so the sweep and the signatures run at the real time
// (a Standard Webhooks receiver refuses a timestamp more than 5 minutes off).
let clockOffset = 0;

beforeAll(async () => {
  broker = await serveBroker({ upstreamTimeoutMs: 2000, now: () => Date.now() + clockOffset });
  as = await startAuthorizationServer({ redirectUris: [broker.callbackUrl('oidc'), OWN_REDIRECT] });
  expect((await admin('POST', '/v1/admin/providers', providerDefinition(as))).status).toBe(201);
  receiver = await startWebhookReceiver();
  const res = await admin('POST', '/v1/admin/webhook-endpoints', { url: receiver.url });
  expect(res.status).toBe(201);
  secret = ((await res.json()) as { secret: string }).secret;
  svc = await broker.t.client(
    allGrants({ return_to_origins: ['https://app.example'], redirect_uris: [OWN_REDIRECT] }),
  );
});

afterAll(async () => {
  await broker?.close();
  await as?.close();
  await receiver?.close();
});

function admin(method: string, path: string, body?: unknown) {
  return fetch(`${broker.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

async function startSession(endUser: string, extra: Record<string, unknown>) {
  const res = await svc.request('POST', '/v1/connect-sessions', {
    provider: 'oidc',
    tenant: 'acme',
    end_user: endUser,
    ...extra,
  });
  expect(res.status).toBe(201);
  return (await res.json()) as { id: string; connect_url: string; authorization_url?: string };
}

const sessionOf = async (id: string) => (await svc.request('GET', `/v1/connect-sessions/${id}`)).json();

describe('abandoned connect sessions', () => {
  it('fail once, with one signed connect_session.failed each, and later uses still answer expired', async () => {
    clockOffset = -11 * MINUTE;
    // Abandoned at the provider's redirect back: the browser holds the binding cookie and a valid callback.
    const atCallback = await startSession('walked-away', { return_to: RETURN_TO });
    const browser = new TestBrowser({ stopAt: (url) => url.pathname.startsWith('/oauth/callback/') });
    const visit = await browser.visit(atCallback.connect_url);
    expect(visit.status).toBe(0);
    const callback = visit.url;
    // Finished from the service's own page, but the service never posted the code.
    const unposted = await startSession('never-posted', { redirect_uri: OWN_REDIRECT });
    const back = new URL(
      (
        await new TestBrowser({ stopAt: (url) => url.origin === 'https://app.example' }).visit(
          unposted.authorization_url!,
        )
      ).url,
    );
    const { code, state, iss } = Object.fromEntries(back.searchParams) as Record<string, string>;
    // Never opened at all.
    const unopened = await startSession('never-opened', { return_to: RETURN_TO });

    clockOffset = 0;
    svc.renew();
    const live = await startSession('still-deciding', { return_to: RETURN_TO });
    expect(await broker.t.services.sessionExpiry.runOnce()).toBe(3);
    expect(await broker.t.services.sessionExpiry.runOnce()).toBe(0);

    broker.t.services.webhookSender.start();
    await receiver.waitFor(3);
    for (const s of [atCallback, unposted, unopened]) {
      expect(await sessionOf(s.id)).toMatchObject({ status: 'failed', error: 'session_expired' });
    }
    expect(await sessionOf(live.id)).toMatchObject({ status: 'pending', error: null });

    // Coming back after the sweep: the same answers as before it existed, and no new event.
    const late = new TestBrowser({ stopAt: (url) => url.origin === 'https://app.example' });
    for (const cookie of browser.cookies())
      late.setCookie(`${broker.url}${cookie.path}`, `${cookie.name}=${cookie.value}; Path=${cookie.path}`);
    const landed = new URL((await late.visit(callback)).url);
    expect(landed.origin + landed.pathname).toBe(RETURN_TO);
    expect(landed.searchParams.get('error')).toBe('session_expired');
    const complete = await svc.request('POST', `/v1/connect-sessions/${unposted.id}/complete`, {
      code,
      state,
      iss,
    });
    expect(complete.status).toBe(410);
    expect(((await complete.json()) as { code: string }).code).toBe('connect_session_expired');
    const entry = await fetch(unopened.connect_url, { redirect: 'manual' });
    expect(entry.status).toBe(410);
    expect(await entry.text()).toContain('has expired');

    await new Promise((resolve) => setTimeout(resolve, 1500)); // nothing more may come
    expect(receiver.received).toHaveLength(3);
    const events = receiver.received.map(
      (r) =>
        new Webhook(secret).verify(r.body, r.headers as Record<string, string>) as {
          type: string;
          data: Record<string, unknown>;
        },
    );
    expect(events.map((e) => e.data.end_user).sort()).toStrictEqual([
      'never-opened',
      'never-posted',
      'walked-away',
    ]);
    for (const event of events) {
      expect(event.type).toBe('connect_session.failed');
      expect(event.data).toStrictEqual({
        connection_id: null,
        tenant: 'acme',
        end_user: event.data.end_user,
        provider_id: 'oidc',
        account: null,
        status: 'failed',
        error: 'session_expired',
      });
    }
    // The code the provider issued never reached a payload or a log line.
    const everything = [...receiver.received.map((r) => r.body), ...broker.t.logs].join('\n');
    expect(everything).not.toContain(code);
    expect(await broker.t.services.sessionExpiry.runOnce()).toBe(0);
  });
});
