import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { TestBrowser } from './browser.js';

/** Routes: path -> [status, headers]. Every answer echoes the Cookie header it received as its body. */
const routes: Record<string, [number, Record<string, string | string[]>]> = {
  '/start': [
    302,
    { location: '/app/page', 'set-cookie': ['root=1; Path=/', 'app=2; Path=/app; HttpOnly; SameSite=Lax'] },
  ],
  // No Path attribute: the default path of /app/page is /app.
  '/app/page': [303, { location: '/other', 'set-cookie': ['dflt=3'] }],
  '/other': [307, { location: '/app/final', 'set-cookie': ['root=; Max-Age=0; Path=/'] }],
  '/app/final': [200, {}],
  '/application': [200, {}],
  '/short': [
    200,
    { 'set-cookie': ['short=1; Max-Age=60; Path=/', 'old=1; Expires=Thu, 01 Jan 1970 00:00:00 GMT'] },
  ],
  '/secure': [
    200,
    {
      'set-cookie': ['sec=1; Secure; Path=/', 'none=1; SameSite=None; Path=/', '__Host-h=1; Secure; Path=/'],
    },
  ],
  '/to-callback': [302, { location: 'http://127.0.0.1:9/callback?code=abc' }],
  '/loop': [302, { location: '/loop' }],
  '/echo': [200, {}],
};

let server: Server;
let base: string;
beforeAll(async () => {
  server = createServer((req, res) => {
    const [status, headers] = routes[new URL(req.url ?? '/', 'http://x').pathname] ?? [404, {}];
    res.writeHead(status, headers).end(req.headers.cookie ?? '');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
afterEach(() => vi.useRealTimers());

describe('TestBrowser', () => {
  it('follows a redirect chain carrying cookies by path, and deletes with Max-Age=0', async () => {
    const browser = new TestBrowser();
    const visit = await browser.visit(`${base}/start`);
    expect(visit.status).toBe(200);
    expect(visit.url).toBe(`${base}/app/final`);
    expect(visit.hops.map((h) => [new URL(h.url).pathname, h.status])).toEqual([
      ['/start', 302],
      ['/app/page', 303],
      ['/other', 307],
      ['/app/final', 200],
    ]);
    expect(visit.hops[0]?.location).toBe(`${base}/app/page`);
    expect(visit.hops[0]?.setCookies).toHaveLength(2);
    // /app/final: root was deleted on /other; longer paths first.
    expect(visit.body).toBe('app=2; dflt=3');

    const jar = browser.cookies();
    expect(jar.map((c) => [c.name, c.path])).toEqual([
      ['app', '/app'],
      ['dflt', '/app'],
    ]);
    expect(jar[0]).toMatchObject({
      domain: '127.0.0.1',
      httpOnly: true,
      secure: false,
      sameSite: 'Lax',
      hostOnly: true,
    });

    // /app does not path-match /application; both path-match /app/x.
    expect((await browser.visit(`${base}/application`)).body).toBe('');
    expect(browser.cookieHeader(`${base}/app`)).toBe('app=2; dflt=3');
    // Host-only cookies ignore the port but not the host name.
    expect(browser.cookieHeader('http://127.0.0.1:1/app/x')).toBe('app=2; dflt=3');
    expect(browser.cookieHeader('http://localhost:1/app/x')).toBe('');

    browser.clearCookies();
    expect(browser.cookies()).toEqual([]);
  });

  it('expires cookies by Max-Age and Expires', async () => {
    const browser = new TestBrowser();
    await browser.visit(`${base}/short`);
    expect(browser.cookies().map((c) => c.name)).toEqual(['short']);
    expect(browser.cookies()[0]?.expires).toBeGreaterThan(Date.now());
    expect((await browser.visit(`${base}/echo`)).body).toBe('short=1');
    vi.useFakeTimers({ toFake: ['Date'], now: Date.now() + 61_000 });
    expect(browser.cookies()).toEqual([]);
    expect((await browser.visit(`${base}/echo`)).body).toBe('');
  });

  it('sends Secure cookies over https and to loopback only, and drops SameSite=None without Secure', async () => {
    const browser = new TestBrowser();
    await browser.visit(`${base}/secure`);
    expect(browser.cookies().map((c) => c.name)).toEqual(['sec', '__Host-h']);
    expect((await browser.visit(`${base}/echo`)).body).toBe('sec=1; __Host-h=1');

    browser.setCookie('https://example.test/', 's=1; Secure');
    expect(browser.cookieHeader('https://example.test/')).toBe('s=1');
    expect(browser.cookieHeader('http://example.test/')).toBe('');
    // An insecure origin may not set a Secure cookie.
    browser.setCookie('http://example.test/', 't=1; Secure');
    expect(browser.cookieHeader('https://example.test/')).toBe('s=1');
    // Domain cookies reach subdomains; a host may not set cookies for another.
    browser.setCookie('https://a.example.test/x', 'd=1; Domain=example.test; Path=/');
    browser.setCookie('https://a.example.test/x', 'evil=1; Domain=other.test; Path=/');
    expect(browser.cookieHeader('https://b.example.test/')).toBe('d=1');
  });

  it('keeps SameSite=Strict cookies off cross-site redirect chains', () => {
    const browser = new TestBrowser();
    browser.setCookie('http://localhost/', 'strict=1; SameSite=Strict');
    browser.setCookie('http://localhost/', 'lax=1; SameSite=Lax');
    expect(browser.cookieHeader('http://localhost/')).toBe('strict=1; lax=1');
    // Ports do not make sites: a chain through another port on the same host stays same-site.
    expect(browser.cookieHeader('http://localhost/', ['http://localhost:8080/x'])).toBe('strict=1; lax=1');
    // Coming back from another site (an authorization server, say) drops Strict, keeps Lax.
    expect(
      browser.cookieHeader('http://localhost/', ['http://localhost/', 'http://127.0.0.1:9/authorize']),
    ).toBe('lax=1');
  });

  it('stops before a URL stopAt picks, recording it, and limits redirects', async () => {
    const browser = new TestBrowser({ stopAt: (url) => url.pathname === '/callback' });
    const visit = await browser.visit(`${base}/to-callback`);
    expect(visit).toMatchObject({ status: 0, url: 'http://127.0.0.1:9/callback?code=abc', body: '' });
    expect(visit.hops).toHaveLength(1);

    await expect(new TestBrowser({ maxRedirects: 3 }).visit(`${base}/loop`)).rejects.toThrow(
      /more than 3 redirects/,
    );
  });
});
