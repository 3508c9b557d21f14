/**
 * A headless HTTP "browser" for end-to-end tests: follows redirects by hand and keeps a real cookie jar
 * (RFC 6265 with the RFC 6265bis rules browsers enforce today), so a broker's login flow is exercised the
 * way a user agent would exercise it. No JavaScript, no forms: GET navigations only.
 */

export interface Hop {
  url: string;
  status: number;
  /** Absolute URL of the redirect target, when the answer was a redirect. */
  location?: string;
  setCookies: string[];
}

export interface Visit {
  /** The final URL (requested, or, when stopAt fired, the one not requested). */
  url: string;
  /** The final status, or 0 when stopAt stopped before requesting `url`. */
  status: number;
  headers: Headers;
  body: string;
  /** Every answer received on the way, in order, the final one included. */
  hops: Hop[];
}

export interface BrowserCookie {
  name: string;
  value: string;
  /** The host that set it (host-only cookies) or the Domain attribute, without a leading dot. */
  domain: string;
  path: string;
  httpOnly: boolean;
  secure: boolean;
  sameSite?: string;
  /** Expiry in milliseconds since the epoch; absent for session cookies. */
  expires?: number;
  /** True when the cookie had no Domain attribute: sent to exactly that host (any port). */
  hostOnly: boolean;
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const IPV4 = /^\d{1,3}(\.\d{1,3}){3}$/;

/** Browsers treat loopback hosts as secure contexts, so Secure cookies work over plain http there. */
function isTrustworthy(url: URL) {
  const host = url.hostname;
  return (
    url.protocol === 'https:' ||
    host === 'localhost' ||
    host.endsWith('.localhost') ||
    host === '[::1]' ||
    host.startsWith('127.')
  );
}

/** RFC 6265 §5.1.4 default-path: the request path up to, not including, its right-most '/'. */
function defaultPath(url: URL) {
  const path = url.pathname;
  if (!path.startsWith('/') || path.lastIndexOf('/') === 0) return '/';
  return path.slice(0, path.lastIndexOf('/'));
}

/** RFC 6265 §5.1.4 path-match. */
function pathMatches(requestPath: string, cookiePath: string) {
  if (requestPath === cookiePath) return true;
  return (
    requestPath.startsWith(cookiePath) && (cookiePath.endsWith('/') || requestPath[cookiePath.length] === '/')
  );
}

/** RFC 6265 §5.1.3 domain-match (no public-suffix list: tests use loopback hosts). */
function domainMatches(host: string, domain: string) {
  return host === domain || (!IPV4.test(host) && !host.startsWith('[') && host.endsWith(`.${domain}`));
}

/** Approximates "site" (scheme + registrable domain) as scheme + the last two labels; ports never count. */
function site(url: URL) {
  const host = IPV4.test(url.hostname) ? url.hostname : url.hostname.split('.').slice(-2).join('.');
  return `${url.protocol}//${host}`;
}

type Stored = BrowserCookie & { created: number };

export class TestBrowser {
  #jar: Stored[] = [];
  #created = 0;
  readonly #maxRedirects: number;
  readonly #stopAt: ((url: URL) => boolean) | undefined;

  constructor(options: { maxRedirects?: number; stopAt?: (url: URL) => boolean } = {}) {
    this.#maxRedirects = options.maxRedirects ?? 20;
    this.#stopAt = options.stopAt;
  }

  /** GET `url` and follow redirects, carrying cookies; stops before any URL for which stopAt is true. */
  async visit(url: string): Promise<Visit> {
    const hops: Hop[] = [];
    const chain: URL[] = [];
    let current = new URL(url);
    for (;;) {
      if (this.#stopAt?.(current))
        return { url: current.href, status: 0, headers: new Headers(), body: '', hops };
      chain.push(current);
      const headers: Record<string, string> = {
        accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8',
        'user-agent': 'custodian-test-browser',
      };
      const cookie = this.#cookieHeader(current, chain);
      if (cookie) headers.cookie = cookie;
      const res = await fetch(current, { redirect: 'manual', headers });
      const setCookies = res.headers.getSetCookie();
      for (const line of setCookies) this.setCookie(current.href, line);
      const location = res.headers.get('location');
      if (REDIRECTS.has(res.status) && location !== null) {
        const next = new URL(location, current);
        hops.push({ url: current.href, status: res.status, location: next.href, setCookies });
        await res.body?.cancel();
        if (hops.length > this.#maxRedirects)
          throw new Error(`more than ${this.#maxRedirects} redirects from ${url}`);
        current = next;
        continue;
      }
      hops.push({ url: current.href, status: res.status, setCookies });
      return { url: current.href, status: res.status, headers: res.headers, body: await res.text(), hops };
    }
  }

  /** The live cookies, oldest first. */
  cookies(): BrowserCookie[] {
    this.#expire();
    return this.#jar.map(({ created: _created, ...cookie }) => ({ ...cookie }));
  }

  clearCookies(): void {
    this.#jar = [];
  }

  /** The Cookie header a GET navigation to `url` would carry, after redirects through `redirectedFrom`. */
  cookieHeader(url: string, redirectedFrom: string[] = []): string {
    const target = new URL(url);
    return this.#cookieHeader(target, [...redirectedFrom.map((u) => new URL(u)), target]);
  }

  /** Stores one Set-Cookie line as if `url` had answered it (RFC 6265 §5.2 and §5.3, 6265bis checks). */
  setCookie(url: string, line: string): void {
    const from = new URL(url);
    const [pair = '', ...attributes] = line.split(';');
    const eq = pair.indexOf('=');
    if (eq < 0) return; // no '=': ignored, as RFC 6265 §5.2 says
    const name = pair.slice(0, eq).trim();
    const value = pair.slice(eq + 1).trim();
    if (!name) return;

    const cookie: Stored = {
      name,
      value,
      domain: from.hostname,
      path: defaultPath(from),
      httpOnly: false,
      secure: false,
      hostOnly: true,
      created: this.#created++,
    };
    let maxAge: number | undefined;
    let expires: number | undefined;
    for (const attribute of attributes) {
      const i = attribute.indexOf('=');
      const key = (i < 0 ? attribute : attribute.slice(0, i)).trim().toLowerCase();
      const val = i < 0 ? '' : attribute.slice(i + 1).trim();
      if (key === 'max-age' && /^-?\d+$/.test(val)) maxAge = Number(val);
      else if (key === 'expires' && !Number.isNaN(Date.parse(val))) expires = Date.parse(val);
      else if (key === 'domain' && val) {
        const domain = val.replace(/^\./, '').toLowerCase();
        if (!domainMatches(from.hostname, domain)) return; // a host may not set cookies for others
        cookie.domain = domain;
        cookie.hostOnly = false;
      } else if (key === 'path') cookie.path = val.startsWith('/') ? val : defaultPath(from);
      else if (key === 'secure') cookie.secure = true;
      else if (key === 'httponly') cookie.httpOnly = true;
      else if (key === 'samesite') cookie.sameSite = val;
    }
    // Max-Age wins over Expires; a non-positive Max-Age means "already expired" (deletion).
    if (maxAge !== undefined) cookie.expires = maxAge <= 0 ? 0 : Date.now() + maxAge * 1000;
    else if (expires !== undefined) cookie.expires = expires;

    // RFC 6265bis rules that browsers enforce.
    if (cookie.secure && !isTrustworthy(from)) return;
    if (cookie.sameSite?.toLowerCase() === 'none' && !cookie.secure) return;
    if (name.startsWith('__Secure-') && !cookie.secure) return;
    if (name.startsWith('__Host-') && (!cookie.secure || !cookie.hostOnly || cookie.path !== '/')) return;

    const same = (c: Stored) => c.name === name && c.domain === cookie.domain && c.path === cookie.path;
    const old = this.#jar.find(same);
    if (old) cookie.created = old.created; // replacing keeps the creation time (§5.3 step 11.3)
    this.#jar = this.#jar.filter((c) => !same(c));
    if (cookie.expires === undefined || cookie.expires > Date.now()) this.#jar.push(cookie);
  }

  #expire() {
    const now = Date.now();
    this.#jar = this.#jar.filter((c) => c.expires === undefined || c.expires > now);
  }

  /** RFC 6265 §5.4: matching cookies, longest path first, then oldest first. */
  #cookieHeader(target: URL, chain: URL[]) {
    this.#expire();
    // SameSite=Strict cookies only go along when every URL of the redirect chain is same-site.
    const sameSiteChain = chain.every((u) => site(u) === site(target));
    return this.#jar
      .filter(
        (c) =>
          (c.hostOnly ? c.domain === target.hostname : domainMatches(target.hostname, c.domain)) &&
          pathMatches(target.pathname, c.path) &&
          (!c.secure || isTrustworthy(target)) &&
          (c.sameSite?.toLowerCase() !== 'strict' || sameSiteChain),
      )
      .sort((a, b) => b.path.length - a.path.length || a.created - b.created)
      .map((c) => `${c.name}=${c.value}`)
      .join('; ');
  }
}
