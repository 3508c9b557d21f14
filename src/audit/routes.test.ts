import { randomBytes } from 'node:crypto';
import { Hono, type MiddlewareHandler } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminGuard } from '../admin/auth.js';
import { AppError } from '../http/errors.js';
import { handleError } from '../http/problem.js';
import { requestContext } from '../http/request-context.js';
import { type AppEnv, type AuthKind, Router } from '../http/router.js';
import { buildOpenApiDocument } from '../openapi/document.js';
import { ADMIN_TOKEN, createTestApp, type TestApp } from '../test-support/app.js';
import type { AuditAction } from './actions.js';
import { createAuditLog } from './audit-log.js';
import { mountAuditRoutes } from './routes.js';
import { createAuditStore } from './store.js';

/** GET /v1/admin/audit-events: filters, pages, the shape of an event, and bad input. */

const T0 = Date.parse('2024-06-10T06:00:00.000Z');

let t: TestApp;
let app: Hono<AppEnv>;
let router: Router;

beforeAll(async () => {
  t = await createTestApp();
  // app.ts does not mount these routes yet: a small app of their own, with the real guard and error handling.
  app = new Hono<AppEnv>();
  app.use(requestContext(t.deps.log));
  const passThrough: MiddlewareHandler<AppEnv> = async (_c, next) => next();
  const noServices: MiddlewareHandler<AppEnv> = async () => {
    throw new AppError('unauthorized', 'no service routes here');
  };
  const guards: Record<Exclude<AuthKind, 'client'>, MiddlewareHandler<AppEnv>> = {
    admin: adminGuard(ADMIN_TOKEN),
    service: noServices,
    none: passThrough,
  };
  router = new Router(app, { guards, validateResponses: true });
  mountAuditRoutes(router, { store: createAuditStore(t.deps.database) });
  app.onError(handleError);

  let at = T0;
  const audit = createAuditLog({
    database: t.deps.database,
    now: () => at,
    random: randomBytes,
    log: t.deps.log,
  });
  const seeds = [
    ['admin', 'provider.created', 'provider', 'dropbox', null, 'success'],
    ['svc-a', 'connection.created', 'connection', 'conn_1', 'acme', 'success'],
    ['svc-a', 'connection.token_issued', 'connection', 'conn_1', 'acme', 'success'],
    ['broker', 'connection.refreshed', 'connection', 'conn_1', 'acme', 'failure'],
    ['svc-b', 'connection.token_issued', 'connection', 'conn_2', 'bravo', 'success'],
  ] as const;
  for (const [actor, action, targetType, targetId, tenant, outcome] of seeds) {
    audit.record({
      actor: { type: actor === 'admin' ? 'admin' : actor === 'broker' ? 'broker' : 'service', id: actor },
      action: action as AuditAction, // listing tests: any dotted name
      target: { type: targetType, id: targetId },
      tenant,
      outcome,
      details:
        action === 'connection.refreshed' ? { status: 400, error: 'invalid_grant', refresh_token: 'x' } : {},
    });
    at += 60_000;
  }
  await audit.close();
});
afterAll(async () => {
  await t.close();
});

const get = (query: string, authorization: string | null = `Bearer ${ADMIN_TOKEN}`) =>
  Promise.resolve(
    app.request(`/v1/admin/audit-events${query}`, {
      headers: authorization === null ? {} : { authorization },
    }),
  );

const actions = async (query: string) => {
  const res = await get(query);
  expect(res.status).toBe(200);
  const body = (await res.json()) as { data: Array<{ action: string }>; next_cursor: string | null };
  return { actions: body.data.map((e) => e.action), next: body.next_cursor };
};

describe('GET /v1/admin/audit-events', () => {
  it('answers events newest first, each in full', async () => {
    const res = await get('');
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body.next_cursor).toBeNull();
    expect(body.data.map((e: { action: string }) => e.action)).toEqual([
      'connection.token_issued',
      'connection.refreshed',
      'connection.token_issued',
      'connection.created',
      'provider.created',
    ]);
    expect(body.data[1]).toEqual({
      id: expect.any(String),
      at: '2024-06-10T06:03:00.000Z',
      actor: { type: 'broker', id: 'broker' },
      action: 'connection.refreshed',
      target: { type: 'connection', id: 'conn_1' },
      tenant: 'acme',
      outcome: 'failure',
      details: { status: 400, error: 'invalid_grant', refresh_token: '[redacted]' },
    });
    expect(body.data[4].tenant).toBeNull();
  });

  it.each([
    ['?actor_id=svc-a', ['connection.token_issued', 'connection.created']],
    ['?action=connection.token_issued', ['connection.token_issued', 'connection.token_issued']],
    [
      '?action=connection.*',
      ['connection.token_issued', 'connection.refreshed', 'connection.token_issued', 'connection.created'],
    ],
    ['?action=provider.*&tenant=acme', []],
    ['?target_id=conn_2', ['connection.token_issued']],
    ['?tenant=acme&outcome=success', ['connection.token_issued', 'connection.created']],
    ['?outcome=failure', ['connection.refreshed']],
    ['?since=2024-06-10T06:03:00Z', ['connection.token_issued', 'connection.refreshed']],
    ['?until=2024-06-10T06:01:00.000Z', ['provider.created']],
    // 08:01+02:00 is 06:01Z; `until` is exclusive.
    [
      '?since=2024-06-10T08:01:00%2B02:00&until=2024-06-10T06:03:00Z',
      ['connection.token_issued', 'connection.created'],
    ],
  ])('filters %s', async (query, expected) => {
    expect((await actions(query)).actions).toEqual(expected);
  });

  it('pages with a cursor', async () => {
    const first = await actions('?limit=2');
    expect(first.actions).toEqual(['connection.token_issued', 'connection.refreshed']);
    const second = await actions(`?limit=2&cursor=${first.next}`);
    expect(second.actions).toEqual(['connection.token_issued', 'connection.created']);
    const third = await actions(`?limit=2&cursor=${second.next}`);
    expect(third).toEqual({ actions: ['provider.created'], next: null });
  });

  it.each([
    ['?since=yesterday', '/query/since'],
    ['?since=2024-06-10', '/query/since'],
    ['?until=2024-06-10T06:00:00', '/query/until'],
    ['?since=2024-06-10T07:00:00Z&until=2024-06-10T06:00:00Z', '/query/until'],
    ['?cursor=not-a-cursor', '/query/cursor'],
    ['?colour=blue', '/query/colour'],
    ['?action=connection*', '/query/action'],
    ['?outcome=maybe', '/query/outcome'],
    ['?limit=0', '/query/limit'],
  ])('refuses %s with 400', async (query, pointer) => {
    const res = await get(query);
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    const body = await res.json();
    expect(body.code).toBe('invalid_request');
    expect(body.errors.map((e: { pointer: string }) => e.pointer)).toContain(pointer);
  });

  it('takes the admin credential and nothing else', async () => {
    for (const authorization of [null, 'Bearer wrong-credential', `Basic ${ADMIN_TOKEN}`]) {
      const res = await get('', authorization);
      expect(res.status).toBe(401);
      expect((await res.json()).code).toBe('unauthorized');
    }
  });

  it('documents itself in the OpenAPI document', () => {
    const document = buildOpenApiDocument(router.definitions, { title: 't', version: '0', description: 'd' });
    const operation = document.paths['/v1/admin/audit-events']?.get as {
      tags: string[];
      security: unknown;
      parameters: Array<{ name: string; schema: { format?: string } }>;
    };
    expect(operation.tags).toEqual(['audit']);
    expect(operation.security).toEqual([{ adminToken: [] }]);
    expect(operation.parameters.map((p) => p.name)).toEqual([
      'limit',
      'cursor',
      'actor_id',
      'action',
      'target_id',
      'tenant',
      'outcome',
      'since',
      'until',
    ]);
    expect(operation.parameters.find((p) => p.name === 'since')?.schema.format).toBe('date-time');
    expect(Object.keys(document.components.schemas)).toEqual(
      expect.arrayContaining(['AuditEvent', 'AuditEventPage']),
    );
  });
});
