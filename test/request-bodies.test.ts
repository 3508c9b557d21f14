import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN } from '../src/test-support/app.js';
import { type ServedBroker, serveBroker } from './support/serve-app.js';

/**
 * Request bodies as they arrive over a real socket: with their headers, in
 * pieces after them, chunked, pipelined behind another request, or cut
 * short. Each must read as exactly its own bytes.
 */

let broker: ServedBroker;
beforeAll(async () => {
  broker = await serveBroker();
});
afterAll(async () => {
  await broker.close();
});

const providerBody = (id: string) =>
  JSON.stringify({
    preset: 'dropbox',
    provider_id: id,
    client_id: `client-${id}`,
    client_secret: 's'.repeat(20),
  });

function head(length: number | 'chunked', close = true): string {
  return [
    'POST /v1/admin/providers HTTP/1.1',
    'host: 127.0.0.1',
    `authorization: Bearer ${ADMIN_TOKEN}`,
    'content-type: application/json',
    length === 'chunked' ? 'transfer-encoding: chunked' : `content-length: ${length}`,
    ...(close ? ['connection: close'] : []),
    '',
    '',
  ].join('\r\n');
}

/** Writes each piece after a pause, then reads until the server closes; answers the status codes seen. */
async function exchange(pieces: string[], { pauseMs = 30, halfClose = false } = {}): Promise<number[]> {
  const socket = connect(Number(new URL(broker.url).port), '127.0.0.1');
  let received = '';
  socket.setEncoding('utf8');
  socket.on('data', (chunk: string) => {
    received += chunk;
  });
  const closed = new Promise<void>((resolve) => socket.on('close', () => resolve()));
  await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
  for (const [i, piece] of pieces.entries()) {
    if (i > 0) await new Promise((r) => setTimeout(r, pauseMs));
    socket.write(piece);
  }
  if (halfClose) socket.end();
  await closed;
  return [...received.matchAll(/HTTP\/1\.1 (\d{3}) /g)].map((m) => Number(m[1]));
}

async function stored(id: string): Promise<boolean> {
  const res = await fetch(`${broker.url}/v1/admin/providers/${id}`, {
    headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
  });
  return res.status === 200;
}

describe('request bodies over a socket', () => {
  it('reads a body that arrives with its headers', async () => {
    const body = providerBody('whole');
    expect(await exchange([head(Buffer.byteLength(body)) + body])).toEqual([201]);
    expect(await stored('whole')).toBe(true);
  });

  it('reads a body that arrives in pieces after the headers', async () => {
    const body = providerBody('pieces');
    const cut = Math.floor(body.length / 2);
    expect(await exchange([head(body.length), body.slice(0, cut), body.slice(cut)])).toEqual([201]);
    expect(await stored('pieces')).toBe(true);
  });

  it('reads a chunked body', async () => {
    const body = providerBody('chunked');
    const chunk = (s: string) => `${s.length.toString(16)}\r\n${s}\r\n`;
    const pieces = [head('chunked'), chunk(body.slice(0, 20)), `${chunk(body.slice(20))}0\r\n\r\n`];
    expect(await exchange(pieces)).toEqual([201]);
    expect(await stored('chunked')).toBe(true);
  });

  it('reads each of two pipelined requests as its own body', async () => {
    const first = providerBody('pipelined-1');
    const second = providerBody('pipelined-2');
    const both = head(first.length, false) + first + head(second.length) + second;
    expect(await exchange([both])).toEqual([201, 201]);
    expect(await stored('pipelined-1')).toBe(true);
    expect(await stored('pipelined-2')).toBe(true);
  });

  it('answers an empty declared body with 400 malformed_json', async () => {
    expect(await exchange([head(0)])).toEqual([400]);
  });

  it('stores nothing from a body cut short, and keeps serving', async () => {
    const body = providerBody('cut-short');
    expect(await exchange([head(body.length) + body.slice(0, 30)], { halfClose: true })).not.toContain(201);
    expect(await stored('cut-short')).toBe(false);
    const next = providerBody('after-cut');
    expect(await exchange([head(next.length) + next])).toEqual([201]);
  });
});
