import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as oauth from 'oauth4webapi';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { UpstreamNetworkError } from './errors.js';
import { createUpstreamFetch, type UpstreamFetchOptions } from './http-client.js';

interface Seen {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

const servers: http.Server[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((done) => server.close(done));
  }
});

/** A real server on 127.0.0.1 that records every request (body included) before `handler` answers. */
async function serve(handler: (req: http.IncomingMessage, res: http.ServerResponse, seen: Seen) => void) {
  const seen: Seen[] = [];
  let connections = 0;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const entry = {
        method: req.method!,
        url: req.url!,
        headers: req.headers,
        body: Buffer.concat(chunks).toString(),
      };
      seen.push(entry);
      handler(req, res, entry);
    });
  });
  server.on('connection', () => connections++);
  servers.push(server);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const port = (server.address() as AddressInfo).port;
  return { base: `http://127.0.0.1:${port}`, port, seen, connections: () => connections };
}

function client(overrides: Partial<UpstreamFetchOptions> = {}) {
  return createUpstreamFetch({
    policy: { allowLoopbackHttp: true },
    timeoutMs: 2000,
    maxResponseBytes: 1024,
    userAgent: 'custodian-test/1',
    ...overrides,
  });
}

async function failure(promise: Promise<unknown>): Promise<UpstreamNetworkError> {
  const error = await promise.then(
    () => expect.fail('expected the request to fail'),
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(UpstreamNetworkError);
  return error as UpstreamNetworkError;
}

const json = (res: http.ServerResponse, status: number, value: unknown) => {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(value));
};

describe('createUpstreamFetch', () => {
  it('sends exactly the method, path, query, headers and form body it was given', async () => {
    const { base, seen } = await serve((_req, res) => json(res, 200, { ok: true }));
    const body = new URLSearchParams({ grant_type: 'authorization_code', code: 'a b&c=d' });
    const headers = new Headers({ accept: 'application/json', 'x-extra': 'yes' });
    const res = await client()(`${base}/token?x=1&y=%20z`, { method: 'post', body, headers });

    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json');
    expect(await res.json()).toEqual({ ok: true });
    const [req] = seen;
    expect(req).toMatchObject({ method: 'POST', url: '/token?x=1&y=%20z' });
    expect(req!.body).toBe('grant_type=authorization_code&code=a+b%26c%3Dd');
    expect(req!.headers).toMatchObject({
      'user-agent': 'custodian-test/1',
      'content-type': 'application/x-www-form-urlencoded;charset=UTF-8',
      'content-length': String(req!.body.length),
      accept: 'application/json',
      'x-extra': 'yes',
      host: new URL(base).host,
    });
  });

  it('sends string and Uint8Array bodies and plain-object headers, keeping a given user-agent', async () => {
    const { base, seen } = await serve((_req, res) => res.end());
    const fetch = client();
    await fetch(`${base}/s`, {
      method: 'PUT',
      body: '{"a":"ü"}',
      headers: { 'content-type': 'application/json' },
    });
    await fetch(new URL(`${base}/b`), { method: 'POST', body: new Uint8Array([1, 2, 255]) });
    await fetch(`${base}/g`, { headers: { 'User-Agent': 'someone-else/2' } });

    expect(seen[0]).toMatchObject({ method: 'PUT', body: '{"a":"ü"}' });
    expect(seen[0]!.headers).toMatchObject({ 'content-type': 'application/json', 'content-length': '10' });
    expect(seen[1]!.headers['content-length']).toBe('3');
    expect(seen[1]!.headers['content-type']).toBeUndefined();
    expect(seen[2]!.headers['user-agent']).toBe('someone-else/2');
    expect(seen[2]!.headers['content-length']).toBeUndefined();
  });

  it('works as oauth4webapi customFetch for discovery and a token request', async () => {
    const { base, seen } = await serve((req, res) => {
      if (req.url === '/.well-known/openid-configuration')
        return json(res, 200, { issuer: base, token_endpoint: `${base}/token` });
      json(res, 200, { access_token: 'at', token_type: 'bearer', expires_in: 60 });
    });
    const options = { [oauth.customFetch]: client(), [oauth.allowInsecureRequests]: true };
    const issuer = new URL(base);
    const as = await oauth.processDiscoveryResponse(issuer, await oauth.discoveryRequest(issuer, options));
    const c = { client_id: 'cid' };
    const response = await oauth.refreshTokenGrantRequest(
      as,
      c,
      oauth.ClientSecretPost('s3cret'),
      'rt',
      options,
    );
    const tokens = await oauth.processRefreshTokenResponse(as, c, response);

    expect(tokens.access_token).toBe('at');
    expect(Object.fromEntries(new URLSearchParams(seen[1]!.body))).toEqual({
      grant_type: 'refresh_token',
      refresh_token: 'rt',
      client_id: 'cid',
      client_secret: 's3cret',
    });
    // oauth4webapi always sets its own user-agent, which then wins over `userAgent`.
    expect(seen[1]!.headers['user-agent']).toMatch(/^oauth4webapi\//);
    expect(seen[1]!.headers['content-type']).toBe('application/x-www-form-urlencoded;charset=UTF-8');
  });

  it('returns 4xx, 5xx and 204 answers as Responses', async () => {
    const { base } = await serve((req, res) => {
      if (req.url === '/204') return res.writeHead(204).end();
      json(res, req.url === '/400' ? 400 : 503, { error: 'invalid_grant' });
    });
    const fetch = client();
    const bad = await fetch(`${base}/400`);
    expect(bad.status).toBe(400);
    expect(await bad.json()).toEqual({ error: 'invalid_grant' });
    expect((await fetch(`${base}/503`)).status).toBe(503);
    const empty = await fetch(`${base}/204`);
    expect(empty.status).toBe(204);
    expect(empty.body).toBeNull();
  });

  it.each([302, 307, 308])('never follows a %i redirect', async (status) => {
    const { base, seen } = await serve((req, res) => {
      if (req.url === '/start') res.writeHead(status, { location: '/target' }).end();
      else res.end('followed');
    });
    const error = await failure(client()(`${base}/start`, { method: 'POST', body: 'secret' }));
    expect(error.code).toBe('upstream_redirect');
    expect(seen.filter((s) => s.url === '/target')).toHaveLength(0);
  });

  it('times out on a server that never answers', async () => {
    const { base } = await serve(() => {});
    const started = Date.now();
    expect((await failure(client({ timeoutMs: 150 })(`${base}/`))).code).toBe('upstream_timeout');
    expect(Date.now() - started).toBeLessThan(1500);
  });

  it('times out on a server that sends headers and then stalls the body', async () => {
    const { base } = await serve((_req, res) => {
      res.writeHead(200, { 'content-length': '100' });
      res.write('partial');
    });
    expect((await failure(client({ timeoutMs: 150 })(`${base}/`))).code).toBe('upstream_timeout');
  });

  it('refuses an oversized body declared by Content-Length', async () => {
    const { base } = await serve((_req, res) => res.end('x'.repeat(1025)));
    expect((await failure(client()(`${base}/`))).code).toBe('upstream_too_large');
  });

  it('refuses an oversized streamed body and hangs up instead of reading it all', async () => {
    let hungUp: () => void = () => {};
    const closed = new Promise<void>((done) => {
      hungUp = done;
    });
    const { base } = await serve((_req, res) => {
      res.writeHead(200); // chunked: no Content-Length
      const timer = setInterval(() => res.write('y'.repeat(400)), 5);
      res.on('close', () => {
        clearInterval(timer);
        hungUp();
      });
    });
    expect((await failure(client()(`${base}/`))).code).toBe('upstream_too_large');
    await closed;
  });

  it('accepts a body of exactly maxResponseBytes', async () => {
    const { base } = await serve((_req, res) => res.end('z'.repeat(1024)));
    expect((await (await client()(`${base}/`)).text()).length).toBe(1024);
  });

  it('maps a hang-up mid-body and a TLS failure to upstream_unreachable', async () => {
    const { base, port } = await serve((_req, res) => {
      res.writeHead(200, { 'content-length': '100' });
      res.write('partial', () => res.destroy());
    });
    expect((await failure(client()(`${base}/`))).code).toBe('upstream_unreachable');
    // https to a plain-http server: the TLS handshake fails.
    expect((await failure(client()(`https://127.0.0.1:${port}/`))).code).toBe('upstream_unreachable');
  });

  it('maps connection refused and DNS failures to upstream_unreachable', async () => {
    const { base } = await serve(() => {});
    servers.pop()!.close(); // port now closed
    expect((await failure(client()(`${base}/`))).code).toBe('upstream_unreachable');

    const lookup = vi.fn(async () => {
      throw Object.assign(new Error('getaddrinfo ENOTFOUND'), { code: 'ENOTFOUND' });
    });
    const error = await failure(client({ lookup })('https://nowhere.example.com/token'));
    expect(error.code).toBe('upstream_unreachable');
    expect(error.cause).toMatchObject({ code: 'ENOTFOUND' });
    const empty = await failure(client({ lookup: async () => [] })('https://nowhere.example.com/'));
    expect(empty.code).toBe('upstream_unreachable');
  });

  it.each([
    ['a private address', [{ address: '10.0.0.1', family: 4 as const }]],
    [
      'a public and a metadata address',
      [
        { address: '93.184.216.34', family: 4 as const },
        { address: '169.254.169.254', family: 4 as const },
      ],
    ],
    ['an IPv4-mapped loopback', [{ address: '::ffff:127.0.0.1', family: 6 as const }]],
  ])('refuses a name that resolves to %s', async (_label, addresses) => {
    const lookup = vi.fn(async () => addresses);
    const error = await failure(client({ lookup })('https://api.example.com/token'));
    expect(error.code).toBe('upstream_forbidden_address');
    expect(lookup).toHaveBeenCalledWith('api.example.com');
  });

  it('refuses a name rebound to loopback before any connection is made', async () => {
    const { port, connections } = await serve((_req, res) => res.end());
    const lookup = async () => [{ address: '127.0.0.1', family: 4 as const }];
    for (const allowLoopbackHttp of [false, true]) {
      const fetch = client({ lookup, policy: { allowLoopbackHttp } });
      const error = await failure(fetch(`https://rebound.example.com:${port}/`));
      expect(error.code).toBe('upstream_forbidden_address');
    }
    expect(connections()).toBe(0);
  });

  it('lets localhost reach loopback only when allowed, and refuses literal forbidden IPs', async () => {
    const { port, seen } = await serve((_req, res) => res.end('ok'));
    const lookup = async () => [{ address: '127.0.0.1', family: 4 as const }];
    expect(await (await client({ lookup })(`http://localhost:${port}/`)).text()).toBe('ok');
    const strict = client({ lookup, policy: { allowLoopbackHttp: false } });
    expect((await failure(strict(`http://127.0.0.1:${port}/`))).code).toBe('upstream_forbidden_address');
    expect((await failure(strict('https://[::ffff:a9fe:a9fe]/'))).code).toBe('upstream_forbidden_address');
    const privateName = client({ lookup: async () => [{ address: '10.0.0.1', family: 4 }] });
    expect((await failure(privateName(`http://localhost:${port}/`))).code).toBe('upstream_forbidden_address');
    expect(seen).toHaveLength(1);
  });

  it('connects to the public address the lookup returned', async () => {
    // 3fff::/20 is documentation-only (RFC 9637) and not in the blocklist: never routed, so
    // the attempt fails fast (no IPv6 route) or times out, without reaching a real host.
    const lookup = vi.fn(async () => [{ address: '3fff::1', family: 6 as const }]);
    const error = await failure(client({ lookup, timeoutMs: 300 })('https://api.example.com/token'));
    expect(lookup).toHaveBeenCalledWith('api.example.com');
    expect(['upstream_unreachable', 'upstream_timeout']).toContain(error.code);
    if (error.code === 'upstream_unreachable') expect(error.cause).toMatchObject({ address: '3fff::1' });
  });

  it('honours an abort signal, before and during the request', async () => {
    const { base, connections } = await serve(() => {});
    const reason = new Error('caller gave up');
    const early = await failure(client()(`${base}/`, { signal: AbortSignal.abort(reason) }));
    expect(early).toMatchObject({ code: 'upstream_timeout', cause: reason });
    expect(connections()).toBe(0);

    const controller = new AbortController();
    setTimeout(() => controller.abort(reason), 50);
    const late = await failure(client({ timeoutMs: 5000 })(`${base}/`, { signal: controller.signal }));
    expect(late).toMatchObject({ code: 'upstream_timeout', cause: reason });
  });

  it('never puts bodies, Authorization, query strings or credentials in error messages', async () => {
    const marker = 'MARKER-s3cr3t';
    const { base } = await serve((req, res) => {
      if (req.url!.startsWith('/redirect')) res.writeHead(307, { location: `/x?${marker}` }).end();
      else if (req.url!.startsWith('/big')) res.end(marker.repeat(200));
      // else: never answer
    });
    const fetch = client({ timeoutMs: 150 });
    const init = {
      method: 'POST',
      body: `client_secret=${marker}`,
      headers: { authorization: `Bearer ${marker}` },
    };
    const errors = await Promise.all([
      failure(fetch(`${base}/redirect?code=${marker}`, init)),
      failure(fetch(`${base}/big?code=${marker}`, init)),
      failure(fetch(`${base}/stall?code=${marker}`, init)),
      failure(fetch(`http://example.com/?code=${marker}`, init)),
      failure(fetch(`https://user:${marker}@example.com/`, init)),
    ]);
    expect(errors.map((e) => e.code)).toEqual([
      'upstream_redirect',
      'upstream_too_large',
      'upstream_timeout',
      'upstream_forbidden_address',
      'upstream_forbidden_address',
    ]);
    for (const error of errors) expect(`${error.message} ${error.stack}`).not.toContain(marker);
  });
});
