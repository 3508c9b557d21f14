import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { silentLogger } from '../log/logger.js';
import { OAuthError } from '../tokens/oauth-error.js';
import { oauthErrorResponse } from '../tokens/oauth-error-response.js';
import { AppError } from './errors.js';
import { handleError } from './problem.js';
import { requestContext } from './request-context.js';
import { routeErrors } from './route-errors.js';
import { type AppEnv, type RouteDefinition, Router } from './router.js';

const base = { operationId: 'x', summary: 'x', tag: 'x', responses: { 200: { description: 'ok' } } };

describe('routeErrors', () => {
  it('adds what the auth kind and the input bring to the codes a route declares', () => {
    const route: RouteDefinition = {
      ...base,
      method: 'put',
      path: '/v1/things/{id}',
      auth: 'admin',
      params: z.object({ id: z.string() }),
      body: z.object({}),
      errors: ['provider_not_found', 'provider_in_use', 'url_not_allowed'],
    };
    expect(Object.fromEntries(routeErrors(route))).toEqual({
      400: ['invalid_request', 'malformed_json'],
      401: ['unauthorized'],
      404: ['not_found', 'provider_not_found'],
      409: ['provider_in_use'],
      413: ['payload_too_large'],
      415: ['unsupported_media_type'],
      422: ['url_not_allowed'],
      // Failed admin authentications are rate limited per address.
      429: ['rate_limited'],
    });
  });

  it('gives a public route without input nothing but what it declares', () => {
    const route: RouteDefinition = { ...base, method: 'get', path: '/x', auth: 'none' };
    expect(routeErrors(route).size).toBe(0);
    expect([...routeErrors({ ...route, errors: ['service_unavailable'] })]).toEqual([
      [503, ['service_unavailable']],
    ]);
  });

  it('speaks RFC 6749 on client routes', () => {
    const route: RouteDefinition = {
      ...base,
      method: 'post',
      path: '/oauth/x',
      auth: 'client',
      form: z.object({}),
      oauthErrors: ['unsupported_grant_type', 'temporarily_unavailable'],
      errors: ['provider_timeout', 'provider_error'],
    };
    expect(Object.fromEntries(routeErrors(route))).toEqual({
      400: ['invalid_request', 'unsupported_grant_type'],
      401: ['invalid_client'],
      413: ['invalid_request'],
      415: ['invalid_request'],
      // Failed client authentications are rate limited per client id and address.
      429: ['temporarily_unavailable'],
      502: ['server_error'],
      503: ['temporarily_unavailable'],
      504: ['server_error'],
    });
  });
});

describe('the router, checking error answers (tests turn this on)', () => {
  const app = new Hono<AppEnv>();
  app.use(requestContext(silentLogger));
  const pass = async (_c: unknown, next: () => Promise<void>) => next();
  const router = new Router(app, {
    guards: { admin: pass, service: pass, none: pass },
    errorHandlers: { client: oauthErrorResponse },
    validateResponses: true,
    bodyLimitBytes: 100,
  });
  app.onError(handleError);
  const raise = (error: unknown) => () => {
    throw error;
  };
  router.add(
    { ...base, method: 'get', path: '/declared', auth: 'none', errors: ['provider_in_use'] },
    raise(new AppError('provider_in_use', 'in use')),
  );
  router.add(
    { ...base, method: 'get', path: '/undeclared', auth: 'none', errors: ['provider_in_use'] },
    raise(new AppError('provider_exists', 'exists')),
  );
  router.add(
    { ...base, method: 'get', path: '/same-status-other-code', auth: 'none', errors: ['provider_in_use'] },
    raise(new AppError('conflict', 'conflict')),
  );
  router.add(
    { ...base, method: 'post', path: '/oauth/x', auth: 'client', form: z.object({}) },
    raise(new OAuthError('unsupported_grant_type', 'no')),
  );
  router.add(
    { ...base, method: 'post', path: '/oauth/limited', auth: 'client', form: z.object({}) },
    raise(
      new AppError('rate_limited', 'too many hand-outs; retry after 7 s', {
        headers: {
          'retry-after': '7',
          'ratelimit-policy': '"handouts";q=600;w=60',
          ratelimit: '"handouts";r=0;t=7',
        },
      }),
    ),
  );
  router.add(
    {
      ...base,
      method: 'post',
      path: '/oauth/y',
      auth: 'client',
      form: z.object({}),
      oauthErrors: ['unsupported_grant_type'],
    },
    raise(new OAuthError('unsupported_grant_type', 'no')),
  );

  it('lets a declared error through with the status of its code', async () => {
    const res = await app.request('/declared');
    expect(res.status).toBe(409);
    expect((await res.json()).code).toBe('provider_in_use');
  });

  it('turns an error the route did not declare into a 500, status or code', async () => {
    expect((await app.request('/undeclared')).status).toBe(500);
    expect((await app.request('/same-status-other-code')).status).toBe(500);
    expect((await app.request('/oauth/x', { method: 'POST', headers: form })).status).toBe(500);
  });

  const form = { 'content-type': 'application/x-www-form-urlencoded' };
  it('answers a client route’s errors, its own and the router’s, as RFC 6749 JSON', async () => {
    const own = await app.request('/oauth/y', { method: 'POST', headers: form, body: '' });
    expect(own.status).toBe(400);
    expect(await own.json()).toEqual({ error: 'unsupported_grant_type', error_description: 'no' });
    const json = await app.request('/oauth/y', { method: 'POST', body: '{}' });
    expect(json.status).toBe(415);
    expect((await json.json()).error).toBe('invalid_request');
    const big = await app.request('/oauth/y', {
      method: 'POST',
      headers: { ...form, 'content-length': '1000' },
      body: 'a='.padEnd(1000, 'x'),
    });
    expect(big.status).toBe(413);
    expect(big.headers.get('content-type')).toBe('application/json');
    expect((await big.json()).error).toBe('invalid_request');
  });

  it('answers a rate limit raised on a client route 429, with its headers, as its routeErrors declare', async () => {
    const res = await app.request('/oauth/limited', { method: 'POST', headers: form, body: '' });
    expect(res.status).toBe(429);
    expect(await res.json()).toEqual({
      error: 'temporarily_unavailable',
      error_description: 'too many hand-outs; retry after 7 s',
    });
    expect(res.headers.get('retry-after')).toBe('7');
    expect(res.headers.get('ratelimit-policy')).toBe('"handouts";q=600;w=60');
    expect(res.headers.get('ratelimit')).toBe('"handouts";r=0;t=7');
    expect(res.headers.get('cache-control')).toBe('no-store');
  });
});
