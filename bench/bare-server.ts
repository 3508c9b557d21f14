import { readFileSync } from 'node:fs';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';

/**
 * The baseline of the hand-out benchmark: the smallest @hono/node-server
 * process answering the hand-out's route with static JSON of the same byte
 * size as a real hand-out answer (BARE_BODY_FILE holds one). No middleware,
 * no database, no auth.
 */

const answer = JSON.parse(readFileSync(process.env.BARE_BODY_FILE!, 'utf8')) as Record<string, unknown>;
const app = new Hono();
app.post('/v1/connections/:id/access-token', (c) => c.json(answer));
app.get('/healthz', (c) => c.json({ status: 'ok' }));
serve({ fetch: app.fetch, hostname: '127.0.0.1', port: Number(process.env.BARE_PORT) });
// An orderly exit, so that --cpu-prof (BENCH_PROFILE=1) writes its profile.
process.on('SIGTERM', () => process.exit(0));
