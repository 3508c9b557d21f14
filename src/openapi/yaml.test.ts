import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { toYaml } from './yaml.js';

describe('toYaml', () => {
  const samples: unknown[] = [
    { a: 1, b: 'two', c: [1, 'x', { d: null, e: [] }], f: {}, g: true },
    [[1, 2], [], [{ a: 'b' }, { c: [{ d: 'e' }] }]],
    {
      tricky: [
        'yes',
        'no',
        'null',
        '1e3',
        '- item',
        'a: b',
        '#x',
        'quote \' " \\',
        'multi\nline',
        '  spaced  ',
      ],
    },
    { 'key with: colon': { '': 'empty key', '/v1/{id}': { get: { 200: 'ok' } } } },
    { unicode: 'é ✓ \u2028 \u0000' },
    { true: 1, null: 2, Yes: 3, '200': 4, '-x': 5, '/a/{b}': 6, $ref: 7, 'a b': 8, 'x:y': 9, '#c': 10 },
  ];
  it.each(samples.map((s) => [s]))('round-trips %j through a YAML parser', (sample) => {
    expect(parse(toYaml(sample))).toEqual(sample);
  });

  it('drops undefined properties the way JSON does', () => {
    expect(parse(toYaml({ a: undefined, b: 1 }))).toEqual({ b: 1 });
  });
});

describe('toYaml, for OpenAPI tools', () => {
  it('writes a shared object out each time instead of as an anchor and alias', () => {
    const shared = { $ref: '#/components/schemas/Problem' };
    const text = toYaml({ a: shared, b: shared });
    expect(text).not.toMatch(/[&*]a\d/);
    expect(parse(text)).toEqual({ a: shared, b: shared });
  });

  it('never folds a long description', () => {
    const description = 'word '.repeat(100).trim();
    expect(toYaml({ description }).trim().split('\n')).toHaveLength(1);
  });
});
