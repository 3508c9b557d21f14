import { describe, expect, it } from 'vitest';
import { createLogger, REDACTED } from './logger.js';

function capture(secrets: string[] = [], level: 'debug' | 'info' = 'debug') {
  const lines: string[] = [];
  const log = createLogger({ level, write: (l) => lines.push(l), secrets, now: () => new Date(0) });
  return { log, lines, parsed: () => lines.map((l) => JSON.parse(l)) };
}

describe('logger', () => {
  it('writes one JSON object per line with time, level, message and fields', () => {
    const { log, parsed } = capture();
    log.info('hello', { n: 1 });
    expect(parsed()).toEqual([{ time: '1970-01-01T00:00:00.000Z', level: 'info', msg: 'hello', n: 1 }]);
  });

  it('writes flat fields as given, leaving out undefined ones, as with nested fields', () => {
    const { log, parsed } = capture();
    log.info('flat', { method: 'POST', status: 200, ok: true, none: null, gone: undefined, quote: 'a"b' });
    log.info('nested', { outer: { method: 'POST', gone: undefined } });
    expect(parsed()[0]).toEqual({
      time: '1970-01-01T00:00:00.000Z',
      level: 'info',
      msg: 'flat',
      method: 'POST',
      status: 200,
      ok: true,
      none: null,
      quote: 'a"b',
    });
    expect(Object.keys(parsed()[0])).not.toContain('gone');
    expect(parsed()[1].outer).toEqual({ method: 'POST' });
  });

  it('drops lines below the level', () => {
    const { log, lines } = capture([], 'info');
    log.debug('quiet');
    log.warn('loud');
    expect(lines).toHaveLength(1);
  });

  it('stamps bound fields on every line of a child', () => {
    const { log, parsed } = capture();
    const child = log.child({ request_id: 'r1' });
    child.info('a');
    child.child({ step: 2 }).warn('b');
    expect(parsed().map((l) => l.request_id)).toEqual(['r1', 'r1']);
    expect(parsed()[1].step).toBe(2);
  });

  it('asks withContext’s function at each line, for the logger and its children', () => {
    const { log, parsed } = capture();
    let active: { trace_id: string } | undefined;
    const traced = log.withContext(() => active);
    traced.info('outside any span');
    active = { trace_id: 't1' };
    traced.child({ request_id: 'r1' }).info('in a span');
    log.info('the original logger is unchanged');
    expect(parsed().map((l) => [l.msg, l.trace_id, l.request_id])).toEqual([
      ['outside any span', undefined, undefined],
      ['in a span', 't1', 'r1'],
      ['the original logger is unchanged', undefined, undefined],
    ]);
  });

  it.each([
    'client_secret',
    'access_token',
    'refresh_token',
    'token',
    'authorization',
    'Authorization',
    'cookie',
    'password',
    'code_verifier',
    'code',
    'vault_keys',
    'api_key',
  ])('redacts a field named %s, however deep', (name) => {
    const { log, lines } = capture();
    log.info('x', {
      [name]: 'sensitive-value',
      nested: { [name]: 'sensitive-value' },
      list: [{ [name]: 'sensitive-value' }],
    });
    expect(lines[0]).not.toContain('sensitive-value');
    expect(lines[0]).toContain(REDACTED);
  });

  it.each(['token_url', 'client_secret_set', 'provider_id', 'status_code'])(
    'keeps an innocent field named %s',
    (name) => {
      const { log, parsed } = capture();
      log.info('x', { [name]: 'visible' });
      expect(parsed()[0][name]).toBe('visible');
    },
  );

  it('scrubs configured secret values from messages, errors and causes', () => {
    const secret = 'marker-secret-value-123456';
    const { log, lines } = capture([secret]);
    log.error(`failed with ${secret}`, {
      error: new Error(`boom ${secret}`, { cause: new Error(secret) }),
      detail: secret,
    });
    expect(lines[0]).not.toContain(secret);
    expect(JSON.parse(lines[0]!).error.message).toBe(`boom ${REDACTED}`);
  });

  it('describes errors with name, message and code', () => {
    const { log, parsed } = capture();
    log.error('x', { error: Object.assign(new Error('bad'), { code: 'E_BAD' }) });
    expect(parsed()[0].error).toMatchObject({ name: 'Error', message: 'bad', code: 'E_BAD' });
  });
});
