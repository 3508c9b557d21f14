import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../test-support/app.js';

/** Listing and reading connections: filters, pages, and never a token. */

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
  const now = Date.now();
  const rows = [
    ['conn_a1', 'acme', 'dropbox', 'u1', 'active'],
    ['conn_a2', 'acme', 'google', 'u1', 'needs_reauth'],
    ['conn_a3', 'acme', 'dropbox', 'u2', 'active'],
    ['conn_b1', 'bravo', 'dropbox', 'u1', 'active'],
  ] as const;
  for (const [id, tenant, providerId, endUser, status] of rows) {
    await t.deps.database.db.insert(t.deps.database.tables.connections).values({
      id,
      tenant,
      providerId,
      endUser,
      accountId: `acct-${id}`,
      accountEmail: `${id}@example.test`,
      scopes: '["files"]',
      status,
      accessToken: 'v1.marker.access.ciphertext',
      refreshToken: 'v1.marker.refresh.ciphertext',
      tokenType: 'Bearer',
      expiresAt: now + 3600_000,
      createdAt: now,
      updatedAt: now,
    });
  }
});
afterAll(async () => {
  await t.close();
});

const ids = async (query: string) => {
  const res = await t.service('GET', `/v1/connections${query}`);
  expect(res.status).toBe(200);
  const body = await res.json();
  return {
    ids: body.data.map((c: { id: string }) => c.id),
    next: body.next_cursor,
    text: JSON.stringify(body),
  };
};

describe('GET /v1/connections', () => {
  it.each([
    ['', ['conn_a1', 'conn_a2', 'conn_a3', 'conn_b1']],
    ['?tenant=acme', ['conn_a1', 'conn_a2', 'conn_a3']],
    ['?tenant=acme&end_user=u1', ['conn_a1', 'conn_a2']],
    ['?provider=dropbox', ['conn_a1', 'conn_a3', 'conn_b1']],
    ['?status=needs_reauth', ['conn_a2']],
    ['?tenant=nobody', []],
  ])('filters %j', async (query, expected) => {
    expect((await ids(query)).ids).toEqual(expected);
  });

  it('pages with a cursor', async () => {
    const first = await ids('?limit=3');
    expect(first.ids).toEqual(['conn_a1', 'conn_a2', 'conn_a3']);
    expect((await ids(`?limit=3&cursor=${first.next}`)).ids).toEqual(['conn_b1']);
  });

  it('never answers a token or a ciphertext', async () => {
    const { text } = await ids('');
    expect(text).not.toContain('marker');
    // No token field: the only key naming one is the refresh token's expiry time.
    expect(text).not.toMatch(/"(access_token|refresh_token)"/);
    expect(text.match(/"[a-z_]*token[a-z_]*":/g)?.every((key) => key === '"refresh_token_expires_at":')).toBe(
      true,
    );
    const one = await (await t.service('GET', '/v1/connections/conn_a1')).text();
    expect(one).not.toContain('marker');
    expect(JSON.parse(one)).toMatchObject({
      account: { user_id: 'acct-conn_a1', email: 'conn_a1@example.test' },
    });
  });

  it('rejects an unknown status or filter', async () => {
    expect((await t.service('GET', '/v1/connections?status=weird')).status).toBe(400);
    expect((await t.service('GET', '/v1/connections?colour=red')).status).toBe(400);
  });
});
