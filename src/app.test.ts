import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BROWSER_HEADERS } from './http/response-headers.js';
import { ADMIN_TOKEN, createTestApp, type TestApp } from './test-support/app.js';

/** How the app answers bad input: problem+json, a stable code, nothing stored, still serving. */

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ bodyLimitBytes: 4096 });
});
afterAll(async () => {
  await t.close();
});

const post = (body: BodyInit, headers: Record<string, string> = { 'content-type': 'application/json' }) =>
  t.app.request('/v1/admin/providers', {
    method: 'POST',
    headers: { authorization: `Bearer ${ADMIN_TOKEN}`, ...headers },
    body,
  });

async function expectProblem(response: Response, status: number, code: string) {
  expect(response.status).toBe(status);
  expect(response.headers.get('content-type')).toBe('application/problem+json');
  const body = await response.json();
  expect(body).toMatchObject({ status, code, type: `urn:custodian:problem:${code}` });
  expect(body.request_id).toBe(response.headers.get('x-request-id'));
  return body;
}

async function storedProviders() {
  return t.deps.database.db.select().from(t.deps.database.tables.providers);
}

describe('bad input', () => {
  it.each([
    ['truncated JSON', '{"provider_id": "x"', 'malformed_json'],
    ['not JSON at all', 'provider_id=x', 'malformed_json'],
    ['an empty body', '', 'malformed_json'],
    ['a JSON array', '[1,2]', 'invalid_request'],
    ['JSON null', 'null', 'invalid_request'],
    ['a string', '"hello"', 'invalid_request'],
    [
      'a prototype-pollution attempt',
      '{"__proto__": {"admin": true}, "provider_id": "x"}',
      'invalid_request',
    ],
  ])('answers %s with 400 %s', async (_name, body, code) => {
    await expectProblem(await post(body), 400, code);
    expect(await storedProviders()).toEqual([]);
    expect(({} as Record<string, unknown>).admin).toBeUndefined();
  });

  it.each([['text/plain'], ['application/x-www-form-urlencoded'], ['multipart/form-data; boundary=x']])(
    'answers content type %s with 415',
    async (type) => {
      const body = await expectProblem(
        await post('{}', { 'content-type': type }),
        415,
        'unsupported_media_type',
      );
      expect(body.detail).toMatch(/application\/json/);
    },
  );

  it('answers a missing content type with 415', async () => {
    await expectProblem(await post('{}', {}), 415, 'unsupported_media_type');
  });

  it('answers an oversized body with 413, declared or streamed', async () => {
    const big = JSON.stringify({ provider_id: 'x', display_name: 'y'.repeat(10_000) });
    await expectProblem(await post(big), 413, 'payload_too_large');
    const stream = new ReadableStream({
      start(controller) {
        controller.enqueue(new TextEncoder().encode(big));
        controller.close();
      },
    });
    const streamed = await t.app.request('/v1/admin/providers', {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
      body: stream,
      // @ts-expect-error Node's fetch needs this for a stream body
      duplex: 'half',
    });
    await expectProblem(streamed, 413, 'payload_too_large');
    expect(await storedProviders()).toEqual([]);
  });

  it('answers deeply nested JSON without falling over', async () => {
    const deep = `${'['.repeat(2000)}${']'.repeat(2000)}`;
    await expectProblem(await post(deep), 400, 'invalid_request');
    const nested = `{"userinfo": ${'{"a":'.repeat(500)}1${'}'.repeat(500)}}`;
    await expectProblem(await post(nested), 400, 'invalid_request');
  });

  it('answers an unknown route with 404 and a wrong method with 405 and Allow', async () => {
    await expectProblem(await t.app.request('/v1/nothing-here'), 404, 'not_found');
    const res = await t.app.request('/v1/admin/providers', { method: 'DELETE' });
    await expectProblem(res, 405, 'method_not_allowed');
    expect(res.headers.get('allow')).toBe('GET, POST');
  });

  it('answers a path parameter that cannot be an id with 404', async () => {
    const res = await t.app.request('/v1/admin/providers/NOT%20A%20SLUG', {
      headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
    });
    await expectProblem(res, 404, 'not_found');
  });

  it('keeps serving after all of that', async () => {
    expect((await t.app.request('/healthz')).status).toBe(200);
  });
});

describe('request ids and headers', () => {
  it('echoes a sane X-Request-Id and replaces an unsafe one', async () => {
    const kept = await t.app.request('/healthz', { headers: { 'x-request-id': 'abc-123' } });
    expect(kept.headers.get('x-request-id')).toBe('abc-123');
    const replaced = await t.app.request('/healthz', { headers: { 'x-request-id': 'bad id <script>' } });
    expect(replaced.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('logs one line per request with its id and the route pattern, not the path', async () => {
    const before = t.logs.length;
    await t.app.request('/v1/admin/providers/some-id?code=abc', {
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'x-request-id': 'trace-42' },
    });
    const lines = t.logs.slice(before).map((l) => JSON.parse(l));
    const access = lines.find((l) => l.msg === 'request');
    expect(access).toMatchObject({
      request_id: 'trace-42',
      route: '/v1/admin/providers/:provider_id',
      status: 404,
    });
    expect(JSON.stringify(lines)).not.toContain('code=abc');
  });

  it('sends nosniff on JSON answers, and the browser hardening headers on everything else', async () => {
    const json = await t.app.request('/healthz');
    expect(json.headers.get('x-content-type-options')).toBe('nosniff');
    expect(json.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    expect(json.headers.get('x-frame-options')).toBeNull();
    const page = await t.app.request('/docs');
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    for (const [name, value] of Object.entries(BROWSER_HEADERS)) expect(page.headers.get(name)).toBe(value);
    expect(page.headers.get('referrer-policy')).toBe('no-referrer');
  });
});
