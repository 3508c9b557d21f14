import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../src/test-support/app.js';
import { seedConnection } from '../src/test-support/connections.js';
import {
  type FakeProvider,
  loadProviderFixtures,
  type ProviderFixture,
  startFakeProvider,
} from './support/fake-provider.js';

/**
 * A dead refresh token as real providers say it, through the real refresher:
 * Slack's HTTP 200 `{"ok": false, "error": "invalid_refresh_token"}` (its own
 * word, listed by the preset's `refresh_grant_dead_errors`), HubSpot's 400
 * `{"status": "BAD_REFRESH_TOKEN", "message": ...}` (no OAuth `error`: the
 * preset names the member `status`) and Zoom's plain 400 `invalid_grant`,
 * each served by a fake from its recording
 * (test/fixtures/providers/*.json, `dead_refresh`). The connection ends up
 * `needs_reauth` with the one code services know, `invalid_grant`, in
 * `last_error` and in the webhook; the same words under a 5xx end nothing.
 */

const CLIENT = { id: 'client-id', secret: 'client-secret' };
const fixtures = new Map(loadProviderFixtures().map((f) => [f.preset, f]));

let t: TestApp;
const fakes: FakeProvider[] = [];
let clock = Date.now();

beforeAll(async () => {
  t = await createTestApp({ allowLoopbackHttp: true, now: () => clock });
  const endpoint = await t.admin('POST', '/v1/admin/webhook-endpoints', { url: 'https://hooks.example/in' });
  expect(endpoint.status).toBe(201);
});

afterAll(async () => {
  await t.close();
  for (const fake of fakes) await fake.close();
});

/** The preset as an admin creates it, its token endpoint at the provider's fake. */
async function createProvider(fixture: ProviderFixture): Promise<FakeProvider> {
  const fake = await startFakeProvider(fixture, CLIENT);
  fakes.push(fake);
  const created = await t.admin('POST', '/v1/admin/providers', {
    preset: fixture.preset,
    client_id: CLIENT.id,
    client_secret: CLIENT.secret,
    token_url: fake.local(fixture.token.url),
  });
  expect(created.status, await created.clone().text()).toBe(201);
  return fake;
}

/** An expired connection, so its hand-out refreshes it first. */
async function expiredConnection(id: string, providerId: string, refreshToken: string) {
  await seedConnection(t.deps, {
    id,
    providerId,
    accessToken: `access-${id}`,
    refreshToken,
    expiresAt: clock - 60_000,
    now: clock - 3_600_000,
  });
}

const handOut = (id: string) => t.service('POST', `/v1/connections/${id}/access-token`);
const connection = async (id: string) => (await t.service('GET', `/v1/connections/${id}`)).json();

async function needsReauthEvents(id: string): Promise<unknown[]> {
  const rows = await t.deps.database.db.select().from(t.deps.database.tables.webhookDeliveries);
  return rows
    .filter((r) => r.eventType === 'connection.needs_reauth')
    .map((r) => JSON.parse(r.payload) as { data: { connection_id?: string; id?: string } })
    .filter((event) => JSON.stringify(event).includes(id));
}

describe.each([
  ['slack', 'error', 'invalid_refresh_token', 200],
  ['hubspot', 'status', 'BAD_REFRESH_TOKEN', 400],
  ['zoom', 'error', 'invalid_grant', 400],
])('%s', (presetId, member, documentedError, documentedStatus) => {
  const fixture = fixtures.get(presetId)!;
  let fake: FakeProvider;

  beforeAll(async () => {
    fake = await createProvider(fixture);
  });

  it('has the recording this test relies on', () => {
    expect(fixture.dead_refresh).toMatchObject({
      status: documentedStatus,
      body: { [member]: documentedError },
    });
  });

  it('ends the grant on the documented dead-refresh answer, as invalid_grant everywhere', async () => {
    const id = `${presetId}-dead`;
    await expiredConnection(id, presetId, `${presetId}-refresh-token-dead`);
    fake.killRefreshToken(`${presetId}-refresh-token-dead`);

    const res = await handOut(id);
    expect(res.status).toBe(409);
    expect((await res.json()).code).toBe('connection_needs_reauth');
    expect(fake.requests.filter((r) => r.body.includes('grant_type=refresh_token'))).not.toHaveLength(0);

    expect(await connection(id)).toMatchObject({ status: 'needs_reauth', last_error: 'invalid_grant' });
    const events = await needsReauthEvents(id);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ type: 'connection.needs_reauth', data: { error: 'invalid_grant' } });
    // The provider's own word and text stay with the broker: services see one code, logs see neither.
    const seen = JSON.stringify([await connection(id), events]);
    if (documentedError !== 'invalid_grant') expect(seen).not.toContain(documentedError);
    const text = fixture.dead_refresh!.body.message;
    if (typeof text === 'string') expect([seen, ...t.logs].join('\n')).not.toContain(text);
  });

  it('keeps the grant when a failing server sends the same words under a 5xx', async () => {
    const id = `${presetId}-5xx`;
    await expiredConnection(id, presetId, `${presetId}-refresh-token-5xx`);
    fake.killRefreshToken(`${presetId}-refresh-token-5xx`, 503);

    const res = await handOut(id);
    expect(res.status).toBeGreaterThanOrEqual(500);
    expect((await res.json()).code).toBe('provider_unavailable');

    expect(await connection(id)).toMatchObject({ status: 'active', last_error: 'provider_bad_response' });
    expect(await needsReauthEvents(id)).toEqual([]);
    // The stored refresh token is still the one the broker had: nothing was thrown away.
    const [row] = (await t.deps.database.db.select().from(t.deps.database.tables.connections)).filter(
      (r) => r.id === id,
    );
    expect(row?.refreshToken).not.toBeNull();
  });
});

it('ends no Slack grant on invalid_refresh_token once an admin empties the list', async () => {
  const patched = await t.admin('PATCH', '/v1/admin/providers/slack', { refresh_grant_dead_errors: [] });
  expect(patched.status).toBe(200);
  const slack = fakes[0]!;
  await expiredConnection('slack-unlisted', 'slack', 'slack-refresh-token-unlisted');
  slack.killRefreshToken('slack-refresh-token-unlisted');
  // Past the provider cache's few seconds, as on every replica.
  clock += 5_000;

  const res = await handOut('slack-unlisted');
  expect(res.status).toBeGreaterThanOrEqual(500);
  expect(await connection('slack-unlisted')).toMatchObject({
    status: 'active',
    last_error: 'provider_error',
  });
});
