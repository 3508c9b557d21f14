import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TestApp } from './app.js';

/**
 * A provider's token endpoint on 127.0.0.1 that renews any refresh token
 * (a new access token each time) and records what it received, plus the
 * provider `scripted` registered on the app pointing at it. `failNext`
 * makes the next requests (to any path: token, revocation) answer an error.
 */
export async function startTokenServer() {
  const received: URLSearchParams[] = [];
  const failures: number[] = [];
  let issued = 0;
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (d) => {
      body += d;
    });
    req.on('end', () => {
      received.push(new URLSearchParams(body));
      const failure = failures.shift();
      if (failure !== undefined) {
        res.writeHead(failure, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: 'server_error' }));
        return;
      }
      issued++;
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          access_token: `at-${issued}`,
          token_type: 'Bearer',
          expires_in: 3600,
          refresh_token: `rt-${issued}`,
        }),
      );
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    base,
    received,
    /** The next `count` requests answer `status` (a provider outage). */
    failNext(status: number, count = 1) {
      for (let i = 0; i < count; i++) failures.push(status);
    },
    /** Registers the provider `scripted` (needs an app made with allowLoopbackHttp). */
    async register(t: TestApp, providerId = 'scripted', extra: Record<string, unknown> = {}) {
      const res = await t.admin('POST', '/v1/admin/providers', {
        provider_id: providerId,
        display_name: 'Scripted',
        client_id: 'cid',
        client_secret: 'csecret',
        authorization_url: `${base}/authorize`,
        token_url: `${base}/token`,
        expiry_buffer_seconds: 60,
        userinfo: { user_id: ['/sub'] },
        ...extra,
      });
      if (res.status !== 201) throw new Error(`provider: ${res.status} ${await res.text()}`);
    },
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
