import { createServer } from 'node:http';

/**
 * The webhook benchmark's receiver, in a process of its own so it does not
 * share the sender's event loop: answers every delivery 204 at once and
 * keeps, per delivery, the time from the change (the payload's `timestamp`,
 * set when the change committed its event) to its arrival here. GET /stats
 * answers the counts and the latencies.
 */

const latencies: number[] = [];
const ids = new Set<string>();
let first = Number.POSITIVE_INFINITY;
let last = 0;

const server = createServer((req, res) => {
  if (req.method === 'GET' && req.url === '/healthz') return void res.writeHead(200).end('ok');
  if (req.method === 'GET' && req.url === '/stats') {
    res.writeHead(200, { 'content-type': 'application/json' });
    return void res.end(JSON.stringify({ latencies, distinct: ids.size, first, last }));
  }
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', () => {
    const arrived = Date.now();
    const { timestamp } = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { timestamp: string };
    const changed = Date.parse(timestamp);
    latencies.push(arrived - changed);
    ids.add(String(req.headers['webhook-id']));
    first = Math.min(first, changed);
    last = Math.max(last, arrived);
    res.writeHead(204).end();
  });
});
server.listen(Number(process.env.RECEIVER_PORT), '127.0.0.1');
