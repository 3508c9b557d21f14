import { AppError } from '../http/errors.js';
import { createLimiter, type Limiter, limitHeaders, type Policy } from './limiter.js';

/**
 * The broker's rate limits, per replica (each keeps its own counts). A
 * limit of 0 turns that one off. Failed authentications are counted per
 * client id and per source address; the check comes before the secret is
 * looked at, so a limited client id answers 429 even to its right secret
 * and the limit tells an attacker nothing.
 */
export interface RateLimitConfig {
  windowSeconds: number;
  /** Failed client authentications per client id. */
  clientFailures: number;
  /** Failed client authentications per source address. */
  addressFailures: number;
  /** Failed admin authentications per source address. */
  adminFailures: number;
  /** Hand-outs (the route and token exchange) per service client. */
  handOuts: number;
  /** Connect sessions created per service client. */
  connectSessions: number;
}

export const defaultRateLimits: RateLimitConfig = {
  windowSeconds: 60,
  clientFailures: 10,
  addressFailures: 100,
  adminFailures: 10,
  handOuts: 600_000,
  connectSessions: 600,
};

/** A request refused by a limit: the headers to answer with. */
export interface Refusal {
  policy: Policy;
  headers: Record<string, string>;
}

export function createRateLimits(config: RateLimitConfig, now: () => number) {
  const limiter = (name: string, limit: number): Limiter | null =>
    limit > 0 ? createLimiter({ name, limit, windowSeconds: config.windowSeconds }) : null;
  const clients = limiter('client-auth-failures', config.clientFailures);
  const addresses = limiter('address-auth-failures', config.addressFailures);
  const admins = limiter('admin-auth-failures', config.adminFailures);
  const handOuts = limiter('handouts', config.handOuts);
  const sessions = limiter('connect-sessions', config.connectSessions);

  /** The first limiter (of those given a key) over its limit, without counting. */
  const blocked = (checks: Array<[Limiter | null, string | null]>): Refusal | null => {
    const at = now();
    for (const [l, key] of checks) {
      if (l === null || key === null) continue;
      const verdict = l.peek(key, at);
      if (!verdict.allowed) return { policy: l.policy, headers: limitHeaders(l.policy, verdict) };
    }
    return null;
  };
  const counted = (l: Limiter | null, key: string, what: string) => {
    if (l === null) return;
    const verdict = l.take(key, now());
    if (verdict !== null) {
      throw new AppError('rate_limited', `too many ${what}; retry after ${verdict.resetSeconds} s`, {
        headers: limitHeaders(l.policy, verdict),
      });
    }
  };

  return {
    config,
    clientAuth: {
      /** `clientId` null when the request named none (or one too long to be real). */
      blocked: (clientId: string | null, address: string) =>
        blocked([
          [clients, clientId],
          [addresses, address],
        ]),
      failed(clientId: string | null, address: string) {
        const at = now();
        if (clientId !== null) clients?.hit(clientId, at);
        addresses?.hit(address, at);
      },
    },
    adminAuth: {
      blocked: (address: string) => blocked([[admins, address]]),
      failed: (address: string) => void admins?.hit(address, now()),
    },
    /** Throws a 429 AppError when the client is over its limit. */
    handOut: (clientId: string) => counted(handOuts, clientId, 'hand-outs'),
    connectSession: (clientId: string) => counted(sessions, clientId, 'connect sessions'),
  };
}

export type RateLimits = ReturnType<typeof createRateLimits>;
