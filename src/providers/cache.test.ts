import { describe, expect, it } from 'vitest';
import { createProviderCache } from './cache.js';
import type { ProviderRecord, ProviderStore } from './store.js';

/** The provider cache: `get` reads at most once per TTL; `peek` answers only from memory. */

describe('createProviderCache', () => {
  const record = { id: 'dropbox', expiry_buffer_seconds: 300 } as unknown as ProviderRecord;

  function setup() {
    let clock = 1_000;
    const reads: string[] = [];
    const store = {
      get: async (id: string) => {
        reads.push(id);
        return id === 'dropbox' ? record : null;
      },
    } as unknown as ProviderStore;
    const cache = createProviderCache(store, () => clock, 2_000);
    return { cache, reads, advance: (ms: number) => (clock += ms) };
  }

  it('peeks nothing before a read, the record (or a known absence) after, and nothing once the TTL passed', async () => {
    const { cache, reads, advance } = setup();
    expect(cache.peek('dropbox')).toBeUndefined();
    expect(await cache.get('dropbox')).toBe(record);
    expect(await cache.get('missing')).toBeNull();
    expect(cache.peek('dropbox')).toBe(record);
    expect(cache.peek('missing')).toBeNull();
    advance(1_999);
    expect(cache.peek('dropbox')).toBe(record);
    advance(1);
    expect(cache.peek('dropbox')).toBeUndefined();
    // Peeking never reads: the store saw only the two gets.
    expect(reads).toEqual(['dropbox', 'missing']);
  });

  it('reads again after the TTL or a forget, not before', async () => {
    const { cache, reads, advance } = setup();
    await cache.get('dropbox');
    await cache.get('dropbox');
    advance(2_000);
    await cache.get('dropbox');
    cache.forget('dropbox');
    expect(cache.peek('dropbox')).toBeUndefined();
    await cache.get('dropbox');
    expect(reads).toEqual(['dropbox', 'dropbox', 'dropbox']);
  });
});
