import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { routePath } from 'hono/route';

/**
 * The floor of the hand-out benchmark: the least any broker must do per
 * hand-out on this stack, and nothing more. Beside the bare route's work it
 * gives each request an id, writes one access-log line (batched, as the
 * broker's are), checks a declared body length, finds the caller by its
 * bearer token in a Map (the cheapest authentication there is: no
 * signature, no grants), reads and parses the JSON body, and answers the
 * same bytes as the bare route with `Cache-Control: no-store`. No
 * validation, no database, no audit. Where this floor already sits against
 * the bare route bounds what the real hand-out can reach.
 */

const answer = JSON.parse(readFileSync(process.env.BARE_BODY_FILE!, 'utf8')) as Record<string, unknown>;
const app = new Hono<{ Variables: { requestId: string; caller: string } }>();

let pending: string[] = [];
const writeLine = (line: string) => {
  if (pending.push(line) === 1) {
    setTimeout(() => {
      process.stdout.write(`${pending.join('\n')}\n`);
      pending = [];
    }, 10).unref();
  }
};

app.use(async (c, next) => {
  const requestId = randomUUID();
  c.set('requestId', requestId);
  const started = performance.now();
  await next();
  writeLine(
    JSON.stringify({
      level: 'info',
      time: new Date().toISOString(),
      msg: 'request',
      request_id: requestId,
      method: c.req.method,
      route: routePath(c, -1),
      status: c.res.status,
      duration_ms: performance.now() - started,
    }),
  );
});
app.use(async (c, next) => {
  if (Number(c.req.header('content-length') ?? 0) > 65_536) return c.json({ code: 'payload_too_large' }, 413);
  await next();
});

const callers = new Map<string, string>();
app.post(
  '/v1/connections/:id/access-token',
  async (c, next) => {
    const token = c.req.header('authorization')?.slice('Bearer '.length);
    if (!token) return c.json({ code: 'unauthorized' }, 401);
    let caller = callers.get(token);
    if (caller === undefined) {
      caller = token.slice(0, 8);
      callers.set(token, caller);
    }
    c.set('caller', caller);
    await next();
  },
  async (c) => {
    JSON.parse(await c.req.text());
    return new Response(JSON.stringify(answer), {
      status: 200,
      headers: {
        'cache-control': 'no-store',
        'content-type': 'application/json',
        'x-content-type-options': 'nosniff',
        'x-request-id': c.get('requestId'),
      },
    });
  },
);
app.get('/healthz', (c) => c.json({ status: 'ok' }));
serve({ fetch: app.fetch, hostname: '127.0.0.1', port: Number(process.env.BARE_PORT) });
process.on('SIGTERM', () => process.exit(0));
