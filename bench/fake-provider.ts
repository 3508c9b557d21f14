import { createServer } from 'node:http';

/**
 * The refresh benchmark's provider: a token endpoint that answers every
 * refresh_token grant at once with a new access token (`at-<refresh token>`)
 * and expires_in 3600, and counts the grants per refresh token, so the
 * bench can check that each connection was refreshed exactly once.
 * GET /stats answers the counts.
 */

const grants = new Map<string, number>();
let total = 0;
let refused = 0;

const server = createServer((req, res) => {
  if (req.method === 'GET' && req.url === '/stats') {
    let duplicated = 0;
    let most = 0;
    for (const n of grants.values()) {
      if (n > 1) duplicated++;
      most = Math.max(most, n);
    }
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ total, distinct: grants.size, duplicated, most, refused }));
    return;
  }
  if (req.method === 'GET' && req.url === '/healthz') {
    res.writeHead(200).end('ok');
    return;
  }
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', () => {
    const form = new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
    const token = form.get('refresh_token');
    const authenticated = (req.headers.authorization ?? '').startsWith('Basic ');
    if (req.url !== '/token' || form.get('grant_type') !== 'refresh_token' || !token || !authenticated) {
      refused++;
      res.writeHead(400, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: 'invalid_request' }));
      return;
    }
    total++;
    grants.set(token, (grants.get(token) ?? 0) + 1);
    res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' });
    res.end(JSON.stringify({ access_token: `at-${token}`, token_type: 'bearer', expires_in: 3600 }));
  });
});
server.listen(Number(process.env.FAKE_PORT), '127.0.0.1');
