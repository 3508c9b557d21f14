import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { silentLogger } from './log/logger.js';
import { listen } from './server.js';

describe('listen and close', () => {
  it('lets an in-flight request finish, then refuses new connections', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => {
      release = r;
    });
    let entered!: () => void;
    const inside = new Promise<void>((r) => {
      entered = r;
    });
    const app = new Hono().get('/slow', async (c) => {
      entered();
      await gate;
      return c.text('finished');
    });
    const server = await listen(app, {
      host: '127.0.0.1',
      port: 0,
      log: silentLogger,
      shutdownTimeoutMs: 5000,
    });

    const inFlight = fetch(`${server.url}/slow`);
    await inside;
    const closed = server.close();
    let closedYet = false;
    void closed.then(() => {
      closedYet = true;
    });
    await new Promise((r) => setTimeout(r, 100));
    expect(closedYet).toBe(false);
    await expect(fetch(`${server.url}/slow`)).rejects.toThrow();

    release();
    const response = await inFlight;
    expect(await response.text()).toBe('finished');
    await closed;
    expect(closedYet).toBe(true);
  });

  it('cuts connections that outlive the shutdown timeout', async () => {
    const app = new Hono().get('/never', () => new Promise<Response>(() => {}));
    const server = await listen(app, {
      host: '127.0.0.1',
      port: 0,
      log: silentLogger,
      shutdownTimeoutMs: 200,
    });
    const hanging = fetch(`${server.url}/never`).catch((error: unknown) => error);
    await new Promise((r) => setTimeout(r, 50));
    const started = Date.now();
    await server.close();
    expect(Date.now() - started).toBeLessThan(3000);
    expect(await hanging).toBeInstanceOf(Error);
  });
});
