import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, createTestApp, type TestApp } from '../test-support/app.js';
import { bearerToken } from './auth.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t.close();
});

// Routes that must answer without a credential. Anything else is protected.
const publicRoutes = new Set([
  '/healthz',
  '/readyz',
  '/openapi.yaml',
  '/openapi.json',
  '/docs',
  '/docs/{file}',
  // The browser's side of a connect flow: guarded by its token, state and cookie instead.
  '/connect/{connect_token}',
  '/oauth/callback/{provider_id}',
  // The broker's own OAuth endpoints: the client authenticates in the request itself.
  '/oauth/token',
  '/oauth/revoke',
  '/.well-known/oauth-authorization-server',
  '/.well-known/jwks.json',
]);

const concrete = (path: string) => path.replace(/\{[^}]+\}/g, 'some-id');

describe('admin authentication', () => {
  it('every route Hono knows is declared, so none escapes the walk below', () => {
    const declared = new Set(
      t.routes.map((r) => `${r.method.toUpperCase()} ${r.path.replace(/\{([^}]+)\}/g, ':$1')}`),
    );
    const registered = t.app.routes.filter((r) => r.method !== 'ALL').map((r) => `${r.method} ${r.path}`);
    for (const route of registered) expect(declared).toContain(route);
  });

  it('the public set is exactly the routes declared without auth, or with client authentication', () => {
    const open = t.routes.filter((r) => r.auth === 'none' || r.auth === 'client').map((r) => r.path);
    expect(new Set(open)).toEqual(publicRoutes);
  });

  const credentials: Array<[string, Record<string, string>]> = [
    ['no header', {}],
    ['an empty bearer', { authorization: 'Bearer ' }],
    ['a wrong token', { authorization: 'Bearer wrong-token-wrong-token-wrong-token' }],
    ['the token plus a suffix', { authorization: `Bearer ${ADMIN_TOKEN}x` }],
    ['a prefix of the token', { authorization: `Bearer ${ADMIN_TOKEN.slice(0, -1)}` }],
    ['Basic with the token', { authorization: `Basic ${btoa(`admin:${ADMIN_TOKEN}`)}` }],
    ['the token without a scheme', { authorization: ADMIN_TOKEN }],
    ['the token in another header', { 'x-admin-token': ADMIN_TOKEN }],
  ];

  it('refuses every protected route with 401 and changes nothing', async () => {
    const protectedRoutes = t.routes.filter((r) => !publicRoutes.has(r.path));
    expect(protectedRoutes.length).toBeGreaterThanOrEqual(20);
    // Each kind of credential is refused on the other kind's routes.
    const serviceToken = await (await t.client()).token();
    for (const route of protectedRoutes) {
      const wrongKind: Array<[string, Record<string, string>]> =
        route.auth === 'admin'
          ? [['a service token', { authorization: `Bearer ${serviceToken}` }]]
          : [['the admin credential', { authorization: `Bearer ${ADMIN_TOKEN}` }]];
      for (const [name, headers] of [...credentials, ...wrongKind]) {
        const hasBody = ['post', 'put', 'patch'].includes(route.method);
        const res = await t.app.request(concrete(route.path), {
          method: route.method.toUpperCase(),
          headers: { ...headers, ...(hasBody ? { 'content-type': 'application/json' } : {}) },
          body: hasBody
            ? JSON.stringify({ preset: 'dropbox', client_id: 'x', client_secret: 'y' })
            : undefined,
        });
        expect(res.status, `${route.method} ${route.path} with ${name}`).toBe(401);
        expect(res.headers.get('www-authenticate')).toMatch(/^Bearer/);
        expect((await res.json()).code).toBe('unauthorized');
      }
    }
    expect(await t.deps.database.db.select().from(t.deps.database.tables.providers)).toEqual([]);
    expect(await t.deps.database.db.select().from(t.deps.database.tables.connectSessions)).toEqual([]);
  });

  it('accepts the admin credential, with any case of the scheme', async () => {
    for (const scheme of ['Bearer', 'bearer', 'BEARER']) {
      const res = await t.app.request('/v1/admin/providers', {
        headers: { authorization: `${scheme} ${ADMIN_TOKEN}` },
      });
      expect(res.status).toBe(200);
    }
  });

  it('never echoes a presented credential', async () => {
    const presented = 'presented-but-wrong-credential-0000';
    const res = await t.app.request('/v1/admin/providers', {
      headers: { authorization: `Bearer ${presented}` },
    });
    expect(await res.text()).not.toContain(presented);
    expect(t.logs.join('\n')).not.toContain(presented);
  });
});

describe('bearerToken', () => {
  it.each([
    ['Bearer abc', 'abc'],
    ['bearer   abc', 'abc'],
    ['Bearer abc ', 'abc'],
    ['Bearer a b', null],
    ['Bearerabc', null],
    ['Basic abc', null],
    ['', null],
  ])('reads %j as %j', (header, expected) => {
    expect(bearerToken(header)).toBe(expected);
  });
});
