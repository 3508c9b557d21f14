/**
 * SSRF guard for admin-supplied provider endpoint URLs. The broker calls these
 * URLs from inside its own network, so they must never reach loopback,
 * private, link-local or cloud-metadata addresses.
 */
import { BlockList, isIP } from 'node:net';

export interface UrlPolicy {
  allowLoopbackHttp: boolean;
}

export type UrlVerdict = { ok: true; url: URL } | { ok: false; reason: string };

const MAX_URL_LENGTH = 2048;
const DEFAULT_RESOLVE_TIMEOUT_MS = 2000;

/** Hosts allowed (over http or https) when `allowLoopbackHttp` is on, as `URL.hostname` renders them. */
const LOOPBACK_HOSTS = new Set(['127.0.0.1', '[::1]', 'localhost']);

const FORBIDDEN_NAMES = new Set(['localhost', 'metadata', 'metadata.google.internal']);
const FORBIDDEN_SUFFIXES = ['.localhost', '.internal', '.local'];

const v4Rules: [string, number][] = [
  ['0.0.0.0', 8], // unspecified / "this network"
  ['10.0.0.0', 8],
  ['100.64.0.0', 10], // CGNAT; includes Alibaba metadata 100.100.100.200
  ['127.0.0.0', 8],
  ['169.254.0.0', 16], // link-local; includes 169.254.169.254 metadata
  ['172.16.0.0', 12],
  ['192.0.0.0', 24], // IETF protocol assignments
  ['192.0.2.0', 24], // documentation
  ['192.88.99.0', 24], // 6to4 relay anycast
  ['192.168.0.0', 16],
  ['198.18.0.0', 15], // benchmarking
  ['198.51.100.0', 24], // documentation
  ['203.0.113.0', 24], // documentation
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, broadcast
];

const v6Rules: [string, number][] = [
  ['::', 96], // unspecified, loopback, deprecated IPv4-compatible
  ['::ffff:0:0:0', 96], // IPv4-translated (SIIT)
  ['64:ff9b:1::', 48], // local-use NAT64
  ['100::', 64], // discard
  ['2001::', 32], // Teredo (embeds an obfuscated IPv4)
  ['2001:db8::', 32], // documentation
  ['fc00::', 7], // unique local; includes AWS metadata fd00:ec2::254
  ['fe80::', 10], // link-local
  ['fec0::', 10], // deprecated site-local
  ['ff00::', 8], // multicast
];

const v4Blocked = new BlockList();
for (const [net, prefix] of v4Rules) v4Blocked.addSubnet(net, prefix, 'ipv4');
const v6Blocked = new BlockList();
for (const [net, prefix] of v6Rules) v6Blocked.addSubnet(net, prefix, 'ipv6');

/** The 16 bytes of an address `isIP` already accepted as IPv6 (no zone id). */
function ipv6Bytes(address: string): Uint8Array {
  let text = address;
  const tail: number[] = [];
  const dotted = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (dotted) {
    tail.push(...dotted.slice(1).map(Number));
    text = `${text.slice(0, dotted.index)}0:0`;
  }
  const [head = '', rest] = text.split('::');
  const groups = (s: string) => (s === '' ? [] : s.split(':').map((g) => Number.parseInt(g, 16)));
  const left = groups(head);
  const right = rest === undefined ? [] : groups(rest);
  const all = [...left, ...new Array<number>(8 - left.length - right.length).fill(0), ...right];
  const bytes = new Uint8Array(16);
  all.forEach((g, i) => {
    bytes[i * 2] = g >> 8;
    bytes[i * 2 + 1] = g & 0xff;
  });
  if (tail.length === 4) bytes.set(tail, 12);
  return bytes;
}

const startsWith = (bytes: Uint8Array, prefix: number[]) => prefix.every((b, i) => bytes[i] === b);
const v4At = (bytes: Uint8Array, at: number) => Array.from(bytes.subarray(at, at + 4)).join('.');

const MAPPED = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff]; // ::ffff:0:0/96
const NAT64 = [0, 0x64, 0xff, 0x9b, 0, 0, 0, 0, 0, 0, 0, 0]; // 64:ff9b::/96
const SIX_TO_FOUR = [0x20, 0x02]; // 2002::/16

/**
 * True for addresses a provider endpoint must never resolve to. Accepts IPv4,
 * IPv6 (with or without brackets) and IPv4-mapped IPv6. Anything that is not
 * an IP address at all is treated as forbidden (fail closed).
 */
export function isForbiddenAddress(address: string): boolean {
  let text = address.trim();
  if (text.startsWith('[') && text.endsWith(']')) text = text.slice(1, -1);
  text = text.replace(/%.*$/, ''); // zone id, e.g. fe80::1%eth0
  const family = isIP(text);
  if (family === 4) return v4Blocked.check(text, 'ipv4');
  if (family !== 6) return true;
  const bytes = ipv6Bytes(text.toLowerCase());
  // Addresses that carry an IPv4 address inside are judged by that address.
  if (startsWith(bytes, MAPPED) || startsWith(bytes, NAT64)) return isForbiddenAddress(v4At(bytes, 12));
  if (startsWith(bytes, SIX_TO_FOUR)) return isForbiddenAddress(v4At(bytes, 2));
  return v6Blocked.check(text, 'ipv6');
}

function isForbiddenName(hostname: string): boolean {
  const name = hostname.replace(/\.+$/, '');
  if (name === '' || !name.includes('.')) return true; // single label
  if (FORBIDDEN_NAMES.has(name)) return true;
  return FORBIDDEN_SUFFIXES.some((suffix) => name.endsWith(suffix));
}

const reject = (reason: string): UrlVerdict => ({ ok: false, reason });

/** Syntactic and literal-address checks, no DNS. */
export function checkEndpointUrl(raw: string, policy: UrlPolicy): UrlVerdict {
  if (raw.length > MAX_URL_LENGTH) return reject(`URL is longer than ${MAX_URL_LENGTH} characters.`);
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return reject('URL is not a valid absolute URL.');
  }
  if (url.username !== '' || url.password !== '')
    return reject('URL must not contain a username or password.');
  // `hash` is '' for a bare trailing '#', but `href` still shows it.
  if (url.href.includes('#')) return reject('URL must not contain a fragment.');

  if (policy.allowLoopbackHttp && LOOPBACK_HOSTS.has(url.hostname)) {
    if (url.protocol === 'http:' || url.protocol === 'https:') return { ok: true, url };
    return reject('URL must use http or https.');
  }
  if (url.protocol !== 'https:') return reject('URL must use https.');

  const host = url.hostname;
  if (host.startsWith('[') || isIP(host) !== 0) {
    if (isForbiddenAddress(host))
      return reject('URL host is a loopback, private, link-local or reserved address.');
    return { ok: true, url };
  }
  if (isForbiddenName(host)) return reject('URL host is a local, internal or single-label name.');
  return { ok: true, url };
}

const TIMED_OUT = Symbol('timed out');

/**
 * checkEndpointUrl, then resolves the host with `resolve` and rejects if ANY
 * resolved address is forbidden. A resolution failure (throw, empty list or
 * a resolver slower than `timeoutMs`) is not a rejection: the URL is checked
 * again at request time.
 */
export async function checkEndpointUrlResolved(
  raw: string,
  policy: UrlPolicy,
  resolve: (hostname: string) => Promise<string[]>,
  timeoutMs = DEFAULT_RESOLVE_TIMEOUT_MS,
): Promise<UrlVerdict> {
  const verdict = checkEndpointUrl(raw, policy);
  if (!verdict.ok) return verdict;
  const host = verdict.url.hostname;
  // Literal addresses were judged above; allowed loopback names resolve to loopback by design.
  if (host.startsWith('[') || isIP(host) !== 0) return verdict;
  if (policy.allowLoopbackHttp && LOOPBACK_HOSTS.has(host)) return verdict;

  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<typeof TIMED_OUT>((settle) => {
    timer = setTimeout(() => settle(TIMED_OUT), timeoutMs);
  });
  let addresses: string[] | typeof TIMED_OUT;
  try {
    addresses = await Promise.race([Promise.resolve().then(() => resolve(host)), timeout]);
  } catch {
    return verdict;
  } finally {
    clearTimeout(timer);
  }
  if (addresses === TIMED_OUT || !Array.isArray(addresses)) return verdict;
  if (addresses.some((address) => isForbiddenAddress(address))) {
    return reject('URL host resolves to a loopback, private, link-local or reserved address.');
  }
  return verdict;
}
