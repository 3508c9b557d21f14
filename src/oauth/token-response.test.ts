import { describe, expect, it } from 'vitest';
import { normaliseTokenResponse } from './token-response.js';

const withFlag = { token_errors_with_200: true };
const withoutFlag = { token_errors_with_200: false };

function jsonResponse(value: unknown, init: ResponseInit = {}, type = 'application/json') {
  const headers = new Headers(init.headers);
  if (!headers.has('content-type')) headers.set('content-type', type);
  const body = typeof value === 'string' ? value : JSON.stringify(value);
  headers.set('content-length', String(Buffer.byteLength(body)));
  return new Response(body, { status: 200, ...init, headers });
}

describe('normaliseTokenResponse', () => {
  it('leaves a conform answer as it was, apart from the rebuilt body', async () => {
    const value = {
      access_token: 'at',
      token_type: 'Bearer',
      expires_in: 3600,
      refresh_token: 'rt',
      scope: 'a b',
    };
    const out = await normaliseTokenResponse(withoutFlag, jsonResponse(value));
    expect(out.status).toBe(200);
    expect(await out.json()).toEqual(value);
  });

  it('adds token_type Bearer when there is an access token and no type', async () => {
    const out = await normaliseTokenResponse(
      withoutFlag,
      jsonResponse({ access_token: 'at', expires_in: 60 }),
    );
    expect(await out.json()).toEqual({ access_token: 'at', expires_in: 60, token_type: 'Bearer' });
  });

  it('keeps a token_type that was sent, as sent', async () => {
    const out = await normaliseTokenResponse(
      withoutFlag,
      jsonResponse({ access_token: 'at', token_type: 'bearer' }),
    );
    expect(await out.json()).toEqual({ access_token: 'at', token_type: 'bearer' });
  });

  it("takes Slack's token types (bot, user) as Bearer, and leaves any other type for the client to judge", async () => {
    for (const type of ['bot', 'user', 'Bot']) {
      const out = await normaliseTokenResponse(
        withoutFlag,
        jsonResponse({ access_token: 'at', token_type: type }),
      );
      expect(await out.json()).toEqual({ access_token: 'at', token_type: 'Bearer' });
    }
    for (const type of ['DPoP', 'mac']) {
      const out = await normaliseTokenResponse(
        withoutFlag,
        jsonResponse({ access_token: 'at', token_type: type }),
      );
      expect(await out.json()).toEqual({ access_token: 'at', token_type: type });
    }
  });

  it('adds no token_type without a string access token', async () => {
    const missing = await normaliseTokenResponse(withoutFlag, jsonResponse({ scope: 'x' }));
    expect(await missing.json()).toEqual({ scope: 'x' });
    const numeric = await normaliseTokenResponse(withoutFlag, jsonResponse({ access_token: 5 }));
    expect(await numeric.json()).toEqual({ access_token: 5 });
  });

  it('drops an id_token, garbage or not, handing it to whoever asked for it', async () => {
    const heard: string[] = [];
    const out = await normaliseTokenResponse(
      withoutFlag,
      jsonResponse({ access_token: 'at', token_type: 'Bearer', id_token: 'not.a.jwt' }),
      (token) => heard.push(token),
    );
    expect(await out.json()).toEqual({ access_token: 'at', token_type: 'Bearer' });
    expect(heard).toEqual(['not.a.jwt']);
    await normaliseTokenResponse(withoutFlag, jsonResponse({ access_token: 'at', id_token: 7 }), (token) =>
      heard.push(token),
    );
    expect(heard).toEqual(['not.a.jwt']);
  });

  it('turns a 200 error into a 400 when the provider says it does that (GitHub)', async () => {
    const value = {
      error: 'bad_verification_code',
      error_description: 'The code passed is incorrect or expired.',
    };
    const out = await normaliseTokenResponse(withFlag, jsonResponse(value));
    expect(out.status).toBe(400);
    expect(await out.json()).toEqual(value);
  });

  it('returns a 200 error untouched, the very same Response, when the provider does not', async () => {
    const response = jsonResponse({ error: 'bad_verification_code' });
    const out = await normaliseTokenResponse(withoutFlag, response);
    expect(out).toBe(response);
    expect(out.status).toBe(200);
    expect(await out.json()).toEqual({ error: 'bad_verification_code' }); // body still unread
  });

  it('a 200 with both an error and an access token is a token answer, not an error', async () => {
    const out = await normaliseTokenResponse(
      withFlag,
      jsonResponse({ access_token: 'at', error: 'ignored' }),
    );
    expect(out.status).toBe(200);
    expect(await out.json()).toEqual({ access_token: 'at', error: 'ignored', token_type: 'Bearer' });
  });

  it('a non-string error field does not make a 200 an error', async () => {
    const out = await normaliseTokenResponse(withFlag, jsonResponse({ error: { code: 1 } }));
    expect(out.status).toBe(200);
  });

  it('keeps error statuses, status text and headers; drops the stale content-length', async () => {
    const response = jsonResponse(
      { error: 'invalid_grant', id_token: 'x' },
      { status: 400, statusText: 'Bad Request', headers: { 'retry-after': '7', 'x-request-id': 'r1' } },
      'application/json; charset=utf-8',
    );
    const out = await normaliseTokenResponse(withFlag, response);
    expect(out.status).toBe(400);
    expect(out.statusText).toBe('Bad Request');
    expect(out.headers.get('retry-after')).toBe('7');
    expect(out.headers.get('x-request-id')).toBe('r1');
    expect(out.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(out.headers.get('content-length')).toBeNull();
    expect(await out.json()).toEqual({ error: 'invalid_grant' });
  });

  it.each([
    'application/json',
    'Application/JSON; charset=UTF-8',
    'application/vnd.provider+json',
    ' application/json ;q=1',
  ])('reads %j as JSON', async (type) => {
    const out = await normaliseTokenResponse(withFlag, jsonResponse({ access_token: 'at' }, {}, type));
    expect(await out.json()).toEqual({ access_token: 'at', token_type: 'Bearer' });
  });

  it.each([
    ['a form-encoded body', 'application/x-www-form-urlencoded', 'access_token=at&token_type=bearer'],
    ['an HTML page', 'text/html', '<html>error</html>'],
    ['JSON sent as text/plain', 'text/plain', '{"error":"invalid_grant"}'],
    ['broken JSON', 'application/json', '{"access_token":'],
    ['a JSON array', 'application/json', '[{"access_token":"at"}]'],
    ['JSON null', 'application/json', 'null'],
    ['a JSON string', 'application/json', '"at"'],
  ])('returns %s as the very same, unread Response', async (_label, type, body) => {
    const response = jsonResponse(body, {}, type);
    const out = await normaliseTokenResponse(withFlag, response);
    expect(out).toBe(response);
    expect(out.bodyUsed).toBe(false);
    expect(await out.text()).toBe(body);
  });

  it('returns an answer without a content type as it was', async () => {
    const response = new Response('{"error":"invalid_grant"}', { status: 200 });
    response.headers.delete('content-type');
    expect(await normaliseTokenResponse(withFlag, response)).toBe(response);
  });

  it('works on an empty 200 JSON answer (a revocation) without throwing', async () => {
    const response = new Response('', { status: 200, headers: { 'content-type': 'application/json' } });
    const out = await normaliseTokenResponse(withFlag, response);
    expect(out).toBe(response);
    expect(out.status).toBe(200);
  });
});
