import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import type { Hono } from 'hono';
import type { Logger } from './log/logger.js';

export interface RunningServer {
  url: string;
  /** Stops accepting connections, lets in-flight requests finish, then resolves. */
  close(): Promise<void>;
}

// biome-ignore lint/suspicious/noExplicitAny: any Hono app, whatever its env
type AnyApp = Hono<any>;

export function listen(
  app: AnyApp,
  options: { host: string; port: number; log: Logger; shutdownTimeoutMs: number },
): Promise<RunningServer> {
  return new Promise((resolveStart, rejectStart) => {
    const server = serve({ fetch: app.fetch, hostname: options.host, port: options.port });
    server.once('error', rejectStart);
    server.once('listening', () => {
      const address = server.address() as AddressInfo;
      const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
      resolveStart({ url: `http://${host}:${address.port}`, close: () => drain() });
    });

    let closing: Promise<void> | undefined;
    const drain = () => {
      closing ??= new Promise<void>((done) => {
        const http = server as import('node:http').Server;
        const timer = setTimeout(() => {
          options.log.warn('shutdown timeout: closing connections still open');
          http.closeAllConnections();
        }, options.shutdownTimeoutMs);
        // Keep-alive connections finish their request, then are closed as they go idle.
        const idle = setInterval(() => http.closeIdleConnections(), 50);
        http.close(() => {
          clearTimeout(timer);
          clearInterval(idle);
          done();
        });
      });
      return closing;
    };
  });
}
