import { describe, expect, it } from 'vitest';
import { createLimiter, limitHeaders } from './limiter.js';

describe('createLimiter', () => {
  const policy = { name: 'p', limit: 3, windowSeconds: 60 };

  it('allows `limit` hits in a window, refuses the next, and starts over when the window ends', () => {
    const l = createLimiter(policy);
    expect([1, 2, 3].map(() => l.hit('a', 1000).allowed)).toEqual([true, true, true]);
    const refused = l.hit('a', 1000);
    expect(refused).toEqual({ allowed: false, remaining: 0, resetSeconds: 60 });
    expect(l.hit('a', 30_500)).toMatchObject({ allowed: false, resetSeconds: 31 });
    expect(l.hit('a', 61_000)).toEqual({ allowed: true, remaining: 2, resetSeconds: 60 });
  });

  it('takes hits like `hit`, answering null while allowed and the refusal after', () => {
    const l = createLimiter(policy);
    expect([1, 2, 3].map(() => l.take('a', 1000))).toEqual([null, null, null]);
    expect(l.take('a', 1000)).toEqual({ allowed: false, remaining: 0, resetSeconds: 60 });
    // The same window as hit's: counted together.
    expect(l.hit('a', 1000).allowed).toBe(false);
    expect(l.take('a', 61_000)).toBeNull();
  });

  it('keeps keys apart', () => {
    const l = createLimiter(policy);
    for (let i = 0; i < 5; i++) l.hit('a', 0);
    expect(l.hit('b', 0).allowed).toBe(true);
  });

  it('peeks without counting: blocked once `limit` hits are in the window', () => {
    const l = createLimiter(policy);
    l.hit('a', 0);
    l.hit('a', 0);
    expect(l.peek('a', 0).allowed).toBe(true);
    expect(l.peek('a', 0).allowed).toBe(true);
    l.hit('a', 0);
    expect(l.peek('a', 0)).toMatchObject({ allowed: false, remaining: 0 });
    expect(l.peek('never-seen', 0).allowed).toBe(true);
  });

  it('holds at most maxKeys keys, dropping expired windows first, then the oldest', () => {
    const l = createLimiter(policy, 2);
    for (let i = 0; i < 4; i++) l.hit('old', 0);
    l.hit('mid', 30_000);
    l.hit('new', 61_000); // 'old' has expired: dropped, 'mid' kept
    expect(l.peek('mid', 61_000).remaining).toBe(2);
    l.hit('newer', 62_000); // full, none expired: the oldest ('mid') goes
    expect(l.peek('mid', 62_000).remaining).toBe(3);
    expect(l.peek('new', 62_000).remaining).toBe(2);
  });

  it('describes a refusal in the IETF draft fields and Retry-After', () => {
    expect(limitHeaders(policy, { allowed: false, remaining: 0, resetSeconds: 42 })).toEqual({
      'retry-after': '42',
      'ratelimit-policy': '"p";q=3;w=60',
      ratelimit: '"p";r=0;t=42',
    });
  });
});
