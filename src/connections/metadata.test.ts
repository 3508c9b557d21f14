import { describe, expect, it } from 'vitest';
import { capMetadata, METADATA_LIMITS, readCallback, readPointers } from './metadata.js';

describe('reading metadata', () => {
  const answer = {
    instance_url: 'https://acme.my.example.com',
    team: { id: 'T123', name: 'Acme' },
    'a/b': { '~x': 'escaped' },
    resources: [{ id: 'cloud-1' }, { id: 'cloud-2' }],
    count: 3,
    ok: true,
    nothing: null,
    empty: '',
  };

  it('reads RFC 6901 pointers, escapes and array indexes included, as text', () => {
    expect(
      readPointers(answer, {
        instance_url: '/instance_url',
        team_id: '/team/id',
        escaped: '/a~1b/~0x',
        cloud_id: '/resources/1/id',
        count: '/count',
        ok: '/ok',
      }),
    ).toEqual({
      instance_url: 'https://acme.my.example.com',
      team_id: 'T123',
      escaped: 'escaped',
      cloud_id: 'cloud-2',
      count: '3',
      ok: 'true',
    });
  });

  it('leaves out what is absent, null, empty, or not a scalar', () => {
    expect(
      readPointers(answer, {
        missing: '/missing',
        nothing: '/nothing',
        empty: '/empty',
        object: '/team',
        array: '/resources',
        length: '/resources/length',
        proto: '/team/__proto__',
      }),
    ).toEqual({});
  });

  it('reads callback query parameters by name', () => {
    const query = new URLSearchParams({ code: 'c', realmId: '9130', state: 's' });
    expect(readCallback(query, { realm_id: 'realmId', other: 'missing' })).toEqual({ realm_id: '9130' });
  });
});

describe('capping metadata', () => {
  it('never keeps a value that is or contains a token', () => {
    const token = 'ya29.secret-access-token';
    expect(
      capMetadata({ a: token, b: `Bearer ${token}`, c: 'https://x.example', d: 'refresh-secret-1' }, [
        token,
        'refresh-secret-1',
      ]),
    ).toEqual({ c: 'https://x.example' });
  });

  it('drops over-long values and stops at the entry and size caps', () => {
    expect(capMetadata({ long: 'x'.repeat(METADATA_LIMITS.valueChars + 1), short: 'y' }, [])).toEqual({
      short: 'y',
    });
    const many = Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`k${i}`, 'v']));
    expect(Object.keys(capMetadata(many, []))).toHaveLength(METADATA_LIMITS.entries);
    const big = Object.fromEntries(Array.from({ length: 12 }, (_, i) => [`k${i}`, 'z'.repeat(1000)]));
    const kept = capMetadata(big, []);
    expect(JSON.stringify(kept).length).toBeLessThan(METADATA_LIMITS.totalChars + 200);
    expect(Object.keys(kept).length).toBe(8);
  });
});
