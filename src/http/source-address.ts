import type { Context } from 'hono';

/**
 * The address a request came from, for per-address rate limits: the
 * socket's peer. X-Forwarded-For is believed only when the peer is one of
 * the configured proxies (CUSTODIAN_TRUSTED_PROXIES), and then read from the
 * right, skipping those proxies: the first address a trusted proxy did not
 * add is the client's. Anything else can be forged by the client.
 */
export function sourceAddress(c: Context, trustedProxies: ReadonlySet<string>): string {
  const incoming = (c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined)?.incoming;
  const peer = normalise(incoming?.socket?.remoteAddress ?? 'unknown');
  if (trustedProxies.size === 0 || !trustedProxies.has(peer)) return peer;
  const hops = (c.req.header('x-forwarded-for') ?? '')
    .split(',')
    .map((hop) => normalise(hop.trim()))
    .filter(Boolean);
  for (let i = hops.length - 1; i >= 0; i--) if (!trustedProxies.has(hops[i]!)) return hops[i]!;
  return peer;
}

/** `::ffff:10.0.0.1` and `10.0.0.1` are one client. */
const normalise = (address: string) => address.replace(/^::ffff:(\d+\.\d+\.\d+\.\d+)$/i, '$1').toLowerCase();
