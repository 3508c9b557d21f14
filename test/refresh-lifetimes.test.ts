import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ADMIN_TOKEN, allGrants, type TestClient } from '../src/test-support/app.js';
import {
  providerDefinition,
  startAuthorizationServer,
  type TestAuthorizationServer,
} from './support/authorization-server.js';
import { TestBrowser } from './support/browser.js';
import { type ServedBroker, serveBroker } from './support/serve-app.js';

/**
 * Refresh against a real authorization server (oidc-provider: rotating refresh
 * tokens, reuse detection, no clock tolerance) with short token lifetimes and
 * the broker's default 300-second buffer. Time is a fake clock shared by the
 * broker and the authorization server (only `Date` is faked; timers are real),
 * so minutes of idling take seconds. The background refresher is driven one
 * round at a time, as its loop would run it every few seconds.
 */

const RETURN_TO = 'https://app.example/connected';
const atApp = (url: URL) => url.origin === 'https://app.example';

let broker: ServedBroker;
let service: TestClient;
const servers: Record<string, TestAuthorizationServer> = {};

/** Provider id → (access token lifetime, refresh token idle lifetime at the server, declared idle lifetime). */
const providers = {
  oidc60: { access: 60 },
  oidc300: { access: 300 },
  oidc20: { access: 20 },
  idle40: { access: 20, refresh: 40, declared: 40 },
} as const;

beforeAll(async () => {
  vi.useFakeTimers({ toFake: ['Date'], shouldAdvanceTime: true });
  broker = await serveBroker({
    serviceGrants: allGrants({ return_to_origins: ['https://app.example'] }),
    upstreamTimeoutMs: 3000,
    now: () => Date.now(),
  });
  for (const [id, lifetimes] of Object.entries(providers)) {
    const as = await startAuthorizationServer({
      redirectUris: [broker.callbackUrl(id)],
      accessTokenTtlSeconds: lifetimes.access,
      refreshTokenTtlSeconds: 'refresh' in lifetimes ? lifetimes.refresh : undefined,
    });
    servers[id] = as;
    const created = await fetch(`${broker.url}/v1/admin/providers`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify(
        providerDefinition(as, {
          provider_id: id,
          authorization_params: { prompt: 'consent' },
          // The default buffer (300 s) on purpose: longer than every token here.
          ...('declared' in lifetimes ? { refresh_token_idle_seconds: lifetimes.declared } : {}),
        }),
      ),
    });
    expect(created.status).toBe(201);
  }
  service = await broker.t.client(allGrants({ return_to_origins: ['https://app.example'] }));
});

afterAll(async () => {
  await broker?.close();
  for (const as of Object.values(servers)) await as.close();
  vi.useRealTimers();
});

/** Moves the shared clock; the service token is a JWT judged by it, so it is renewed. */
function advance(ms: number) {
  vi.setSystemTime(Date.now() + ms);
  service.renew();
}

async function connect(providerId: keyof typeof providers, account: string): Promise<string> {
  servers[providerId]!.setLogin(account);
  const res = await service.request('POST', '/v1/connect-sessions', {
    provider: providerId,
    tenant: 'acme',
    end_user: `user-${account}`,
    return_to: RETURN_TO,
  });
  const { connect_url } = (await res.json()) as { connect_url: string };
  const landed = new URL((await new TestBrowser({ stopAt: atApp }).visit(connect_url)).url);
  const id = landed.searchParams.get('connection_id');
  if (!id) throw new Error(`connect failed: ${landed}`);
  return id;
}

async function handOut(id: string, body?: unknown) {
  const res = await service.request('POST', `/v1/connections/${id}/access-token`, body);
  return { status: res.status, body: (await res.json()) as { access_token: string; expires_in: number } };
}

const stored = async (id: string) => (await broker.t.services.handOut.rows.read(id))!;

async function worksAt(as: TestAuthorizationServer, accessToken: string): Promise<boolean> {
  const res = await fetch(as.endpoints.userinfo, { headers: { authorization: `Bearer ${accessToken}` } });
  return res.status === 200;
}

describe('hand-outs of short-lived tokens with the default 300 s buffer', () => {
  it.each([
    ['oidc60', 60],
    ['oidc300', 300],
  ] as const)(
    '%s: sequential hand-outs do not refresh a token younger than half its life; then one does',
    async (provider, life) => {
      const as = servers[provider]!;
      const id = await connect(provider, `seq-${life}`);
      const refreshes = as.grants.refresh_token;
      const first = await handOut(id);
      expect(first.status).toBe(200);
      // Twenty hand-outs spread over 45 % of the lifetime, each past the hand-out cache's 2 s.
      for (let i = 0; i < 20; i++) {
        advance(((life * 0.45) / 20) * 1000);
        const next = await handOut(id);
        expect(next.status).toBe(200);
        expect(next.body.access_token).toBe(first.body.access_token);
      }
      expect(as.grants.refresh_token).toBe(refreshes);

      advance(life * 0.1 * 1000);
      const answers = [];
      for (let i = 0; i < 5; i++) {
        answers.push((await handOut(id)).body.access_token);
        advance(500);
      }
      expect(new Set(answers).size).toBe(1);
      expect(answers[0]).not.toBe(first.body.access_token);
      expect(as.grants.refresh_token).toBe(refreshes + 1);
      expect(await worksAt(as, answers[0]!)).toBe(true);
      expect(as.tokenErrors).toEqual([]);
    },
  );

  it('200 concurrent hand-outs of an expired 60 s token cause exactly one refresh', async () => {
    const as = servers.oidc60!;
    const id = await connect('oidc60', 'crowd');
    const before = (await handOut(id)).body.access_token;
    const refreshes = as.grants.refresh_token;
    advance(61_000);
    const answers = await Promise.all(Array.from({ length: 200 }, () => handOut(id)));
    expect(answers.map((a) => a.status)).toEqual(Array(200).fill(200));
    const tokens = new Set(answers.map((a) => a.body.access_token));
    expect(tokens.size).toBe(1);
    expect(tokens.has(before)).toBe(false);
    expect(as.grants.refresh_token).toBe(refreshes + 1);
    expect(await worksAt(as, [...tokens][0]!)).toBe(true);
    expect(as.tokenErrors).toEqual([]);
  });
});

describe('background renewal', () => {
  it('renews a connection handed out once before each of its 20 s tokens dies, without looping', async () => {
    const as = servers.oidc20!;
    const id = await connect('oidc20', 'once');
    expect((await handOut(id)).status).toBe(200);
    const refreshes = as.grants.refresh_token;
    const versions: number[] = [];
    for (let second = 1; second <= 60; second++) {
      advance(1000);
      await broker.t.services.background.runOnce();
      const row = await stored(id);
      // The stored token is never one that has died.
      expect(row.expiresAt!).toBeGreaterThan(Date.now());
      versions.push(row.tokenVersion);
    }
    const renewals = as.grants.refresh_token - refreshes;
    // A minute of 20 s tokens needs at least three renewals; each token lived at least a quarter of its life.
    expect(renewals).toBeGreaterThanOrEqual(3);
    expect(renewals).toBeLessThanOrEqual(12);
    for (let i = 5; i < versions.length; i++) expect(versions[i]! - versions[i - 5]!).toBeLessThanOrEqual(1);
    expect(as.tokenErrors).toEqual([]);
    const view = await (await service.request('GET', `/v1/connections/${id}`)).json();
    expect(view.status).toBe('active');
    expect(view.last_refreshed_at).not.toBeNull();
    expect(Date.parse(view.next_refresh_at)).toBeLessThan(Date.parse(view.expires_at));
  });

  it('keeps a never handed-out grant alive through minutes of idling, with a handful of provider calls', async () => {
    const as = servers.idle40!;
    const id = await connect('idle40', 'idler');
    const refreshes = as.grants.refresh_token;
    // Three minutes, a background round every two seconds.
    for (let second = 2; second <= 180; second += 2) {
      advance(2000);
      await broker.t.services.background.runOnce();
    }
    const renewals = as.grants.refresh_token - refreshes;
    expect(renewals).toBeGreaterThanOrEqual(5);
    expect(renewals).toBeLessThanOrEqual(8);
    expect(as.tokenErrors).toEqual([]);
    const res = await handOut(id);
    expect(res.status).toBe(200);
    expect(await worksAt(as, res.body.access_token)).toBe(true);

    // The server does kill an idle grant: one left without the background refresher dies.
    const neglected = await connect('idle40', 'neglected');
    advance(45_000);
    const dead = await service.request('POST', `/v1/connections/${neglected}/access-token`);
    expect(dead.status).toBe(409);
    expect((await dead.json()).code).toBe('connection_needs_reauth');
    expect(as.tokenErrors).toEqual(['invalid_grant']);
  });
});
