/**
 * A fixed-window counter per key (a client id, a source address), in this
 * process's memory: each replica limits on its own. A key's window starts
 * at its first hit; `limit` hits are allowed in it. Keys are capped, so a
 * flood of made-up client ids cannot grow the map without bound: past the
 * cap, expired windows are dropped first, then the oldest.
 */

export interface Policy {
  /** The policy's name in the RateLimit-Policy header. */
  name: string;
  limit: number;
  windowSeconds: number;
}

export interface Verdict {
  allowed: boolean;
  remaining: number;
  /** Seconds until the window ends. */
  resetSeconds: number;
}

interface Window {
  count: number;
  endsAt: number;
}

export interface Limiter {
  readonly policy: Policy;
  /** Counts one hit against `key`. */
  hit(key: string, now: number): Verdict;
  /** Counts one hit against `key`: `null` when it is allowed (nothing built on that common path), else the refusal. */
  take(key: string, now: number): Verdict | null;
  /** Whether `key` is over its limit, without counting. */
  peek(key: string, now: number): Verdict;
}

const MAX_KEYS = 50_000;

export function createLimiter(policy: Policy, maxKeys = MAX_KEYS): Limiter {
  const windows = new Map<string, Window>();
  const windowMs = policy.windowSeconds * 1000;

  const verdict = (w: Window | undefined, now: number): Verdict => {
    if (w === undefined || w.endsAt <= now)
      return { allowed: true, remaining: policy.limit, resetSeconds: policy.windowSeconds };
    return {
      allowed: w.count <= policy.limit,
      remaining: Math.max(0, policy.limit - w.count),
      resetSeconds: Math.max(1, Math.ceil((w.endsAt - now) / 1000)),
    };
  };

  const makeRoom = (now: number) => {
    for (const [key, w] of windows) if (w.endsAt <= now) windows.delete(key);
    for (const key of windows.keys()) {
      if (windows.size < maxKeys) break;
      windows.delete(key);
    }
  };

  const count = (key: string, now: number): Window => {
    let w = windows.get(key);
    if (w === undefined || w.endsAt <= now) {
      if (w === undefined && windows.size >= maxKeys) makeRoom(now);
      w = { count: 0, endsAt: now + windowMs };
      windows.set(key, w);
    }
    w.count++;
    return w;
  };

  return {
    policy,
    hit: (key, now) => verdict(count(key, now), now),
    take(key, now) {
      const w = count(key, now);
      return w.count <= policy.limit ? null : verdict(w, now);
    },
    peek(key, now) {
      const w = windows.get(key);
      // Over the limit already counts the hit that crossed it; peeking asks "would one more pass?".
      const v = verdict(w, now);
      return w !== undefined && w.endsAt > now && w.count >= policy.limit ? { ...v, allowed: false } : v;
    },
  };
}

/** The IETF draft's fields (draft-ietf-httpapi-ratelimit-headers, -08 on) and Retry-After, for a 429. */
export function limitHeaders(policy: Policy, verdict: Verdict): Record<string, string> {
  return {
    'retry-after': String(verdict.resetSeconds),
    'ratelimit-policy': `"${policy.name}";q=${policy.limit};w=${policy.windowSeconds}`,
    ratelimit: `"${policy.name}";r=${verdict.remaining};t=${verdict.resetSeconds}`,
  };
}
