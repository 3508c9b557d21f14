/**
 * Structured JSON logs, one object per line. Two layers keep secrets out:
 * fields whose name looks sensitive are replaced, and every configured secret
 * value (admin credential, vault keys) is scrubbed from the finished line in
 * case it slipped into a message or an error.
 */

import { stdoutLines } from './stdout-lines.js';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
export type LogFields = Record<string, unknown>;

export interface Logger {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
  /** A logger that adds `fields` to every line (a request id, for instance). */
  child(fields: LogFields): Logger;
}

export interface LoggerOptions {
  level: LogLevel;
  write?: (line: string) => void;
  now?: () => Date;
  /** Values that must never appear in a log line, whatever carries them. */
  secrets?: readonly string[];
}

const levelRank: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };
// A field is sensitive when its name ends in one of these words: `access_token`
// and `client_secret` are redacted, `token_url` and `secret_set` are not.
// `code` only on its own: an OAuth authorization code, not `status_code`.
const sensitiveName =
  /(^|[_-])(secrets?|password|authorization|cookie|apikey|keys?|tokens?|verifier|credentials?)$|^(code|auth_code)$/i;
export const REDACTED = '[redacted]';

export function createLogger(options: LoggerOptions): Logger {
  const write = options.write ?? stdoutLines();
  const now = options.now ?? (() => new Date());
  // Short values would scrub innocent text; every real secret here is long.
  const secrets = (options.secrets ?? []).filter((s) => s.length >= 8);
  const minimum = levelRank[options.level];

  // A child's fields are serialized once, when it is made: most lines come from request loggers.
  const make = (boundJson: string): Logger => {
    const emit = (level: LogLevel, message: string, fields?: LogFields) => {
      if (levelRank[level] < minimum) return;
      // A field named like an earlier one appears twice; JSON readers keep the later, as a spread would.
      let line = `{"time":"${now().toISOString()}","level":"${level}","msg":${JSON.stringify(message)}${boundJson}${fieldsJson(fields)}}`;
      for (const secret of secrets) if (line.includes(secret)) line = line.replaceAll(secret, REDACTED);
      write(line);
    };
    return {
      debug: (m, f) => emit('debug', m, f),
      info: (m, f) => emit('info', m, f),
      warn: (m, f) => emit('warn', m, f),
      error: (m, f) => emit('error', m, f),
      child: (fields) => make(boundJson + fieldsJson(fields)),
    };
  };
  return make('');
}

/** `,"name":value` for each field, redacted; empty for none. */
function fieldsJson(fields: LogFields | undefined): string {
  if (fields === undefined) return '';
  let out = '';
  for (const key of Object.keys(fields)) {
    const value = fields[key];
    const json = JSON.stringify(
      isSensitive(key) && value !== null && value !== undefined ? REDACTED : redact(value, 1),
    );
    // undefined, functions and symbols: left out, as JSON.stringify leaves them out of an object.
    if (json !== undefined) out += `,${JSON.stringify(key)}:${json}`;
  }
  return out;
}

// Field names come from code, so there are few: each is tested once (a bounded memo).
const sensitivity = new Map<string, boolean>();
function isSensitive(key: string): boolean {
  let sensitive = sensitivity.get(key);
  if (sensitive === undefined) {
    sensitive = sensitiveName.test(key);
    if (sensitivity.size < 1_000) sensitivity.set(key, sensitive);
  }
  return sensitive;
}

function redact(value: unknown, depth: number): unknown {
  if (depth > 6) return '[deep]';
  if (value instanceof Error) return describeError(value, depth);
  if (Array.isArray(value)) return value.map((v) => redact(v, depth + 1));
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, v] of Object.entries(value)) {
      out[key] = isSensitive(key) && v !== null && v !== undefined ? REDACTED : redact(v, depth + 1);
    }
    return out;
  }
  if (typeof value === 'bigint') return value.toString();
  return value;
}

function describeError(error: Error, depth: number): Record<string, unknown> {
  const described: Record<string, unknown> = { name: error.name, message: error.message };
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' || typeof code === 'number') described.code = code;
  if (error.stack) described.stack = error.stack.split('\n').slice(1, 6).join('\n');
  if (error.cause !== undefined) described.cause = redact(error.cause, depth + 1);
  return described;
}

/** A logger that writes nothing, for tests that do not look at logs. */
export const silentLogger: Logger = createLogger({ level: 'error', write: () => {} });
