import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../test-support/app.js';
import { tokenLocation } from './token-location.js';

/** DELETE /v1/connections/{id}: RFC 7009 revocation with retries, then deletion. */

interface Received {
  body: string;
  authorization: string | undefined;
}

let t: TestApp;
let server: Server;
let answers: Array<{ status: number; headers?: Record<string, string> }>;
let received: Received[];
let sleeps: number[];

beforeEach(async () => {
  answers = [];
  received = [];
  sleeps = [];
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (d) => {
      body += d;
    });
    req.on('end', () => {
      received.push({ body, authorization: req.headers.authorization });
      const answer = answers.shift() ?? { status: 200 };
      res.writeHead(answer.status, answer.headers ?? {}).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  t = await createTestApp({
    allowLoopbackHttp: true,
    sleep: async (ms) => {
      sleeps.push(ms);
    },
  });
  for (const [id, revocation] of [
    ['with-revocation', `${base}/revoke`],
    ['without-revocation', null],
  ] as const) {
    const res = await t.admin('POST', '/v1/admin/providers', {
      provider_id: id,
      display_name: id,
      client_id: 'cid',
      client_secret: 'csecret',
      authorization_url: `${base}/authorize`,
      token_url: `${base}/token`,
      revocation_url: revocation,
      userinfo: { user_id: ['/sub'] },
    });
    expect(res.status).toBe(201);
  }
});

afterEach(async () => {
  server.closeAllConnections();
  await new Promise<void>((r) => server.close(() => r()));
  await t.close();
});

async function seedConnection(providerId: string, refresh: string | null) {
  const id = `conn_${providerId}`;
  const now = Date.now();
  const vault = t.deps.vault;
  await t.deps.database.db.insert(t.deps.database.tables.connections).values({
    id,
    tenant: 'acme',
    providerId,
    endUser: 'u',
    accountId: 'a',
    scopes: '[]',
    status: 'active',
    accessToken: vault.encrypt('the-access-token', tokenLocation(id, 'access_token')),
    refreshToken: refresh === null ? null : vault.encrypt(refresh, tokenLocation(id, 'refresh_token')),
    tokenType: 'Bearer',
    createdAt: now,
    updatedAt: now,
  });
  return id;
}

describe('DELETE /v1/connections/{id}', () => {
  it('revokes the refresh token with a hint, then deletes', async () => {
    const id = await seedConnection('with-revocation', 'the-refresh-token');
    const res = await t.service('DELETE', `/v1/connections/${id}`);
    expect(res.status).toBe(204);
    expect(received).toHaveLength(1);
    expect(Object.fromEntries(new URLSearchParams(received[0]!.body))).toEqual({
      token: 'the-refresh-token',
      token_type_hint: 'refresh_token',
    });
    expect(received[0]!.authorization).toBe(`Basic ${btoa('cid:csecret')}`);
    expect((await t.service('GET', `/v1/connections/${id}`)).status).toBe(404);
  });

  it('revokes the access token when there is no refresh token', async () => {
    const id = await seedConnection('with-revocation', null);
    expect((await t.service('DELETE', `/v1/connections/${id}`)).status).toBe(204);
    expect(new URLSearchParams(received[0]!.body).get('token_type_hint')).toBe('access_token');
    expect(new URLSearchParams(received[0]!.body).get('token')).toBe('the-access-token');
  });

  it('retries a 503, honouring Retry-After, then deletes', async () => {
    answers = [{ status: 503, headers: { 'retry-after': '2' } }, { status: 503 }, { status: 200 }];
    const id = await seedConnection('with-revocation', 'rt');
    expect((await t.service('DELETE', `/v1/connections/${id}`)).status).toBe(204);
    expect(received).toHaveLength(3);
    expect(sleeps).toEqual([2000, 1000]);
  });

  it('keeps the connection when the provider never confirms', async () => {
    answers = [{ status: 503 }, { status: 503 }, { status: 503 }];
    const id = await seedConnection('with-revocation', 'rt');
    const res = await t.service('DELETE', `/v1/connections/${id}`);
    expect(res.status).toBe(502);
    expect((await res.json()).code).toBe('revocation_failed');
    expect((await t.service('GET', `/v1/connections/${id}`)).status).toBe(200);
  });

  it('does not retry a refusal other than 503', async () => {
    answers = [{ status: 400, headers: { 'content-type': 'application/json' } }];
    const id = await seedConnection('with-revocation', 'rt');
    expect((await t.service('DELETE', `/v1/connections/${id}`)).status).toBe(502);
    expect(received).toHaveLength(1);
  });

  it('deletes without calling a provider that has no revocation endpoint, or with revoke=false', async () => {
    const a = await seedConnection('without-revocation', 'rt');
    expect((await t.service('DELETE', `/v1/connections/${a}`)).status).toBe(204);
    answers = [{ status: 503 }];
    const b = await seedConnection('with-revocation', 'rt');
    expect((await t.service('DELETE', `/v1/connections/${b}?revoke=false`)).status).toBe(204);
    expect(received).toHaveLength(0);
  });

  it('answers 404 for an unknown connection', async () => {
    const res = await t.service('DELETE', '/v1/connections/conn_nope');
    expect((await res.json()).code).toBe('connection_not_found');
  });
});
