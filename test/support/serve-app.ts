import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { createTestApp, type TestApp, type TestAppOptions } from '../../src/test-support/app.js';

/**
 * The broker served over real HTTP on 127.0.0.1, for suites where a browser
 * and real providers talk to it. The port is known before the app is built,
 * so its public URL (and so its callback URLs) are the real ones.
 */
export interface ServedBroker {
  url: string;
  callbackUrl(providerId: string): string;
  t: TestApp;
  close(): Promise<void>;
}

export async function serveBroker(options: Omit<TestAppOptions, 'publicUrl'> = {}): Promise<ServedBroker> {
  // The env (Node's request and response) goes through as in production: the body reader uses it.
  let handler: (request: Request, env: unknown) => Response | Promise<Response> = () =>
    new Response('starting', { status: 503 });
  const server = serve({ fetch: (request, env) => handler(request, env), hostname: '127.0.0.1', port: 0 });
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const t = await createTestApp({ allowLoopbackHttp: true, ...options, publicUrl: url });
  handler = (request, env) => t.app.fetch(request, env);
  return {
    url,
    callbackUrl: (providerId) => `${url}/oauth/callback/${providerId}`,
    t,
    close: async () => {
      (server as import('node:http').Server).closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await t.close();
    },
  };
}
