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
  /**
   * A logger (and its children) that adds what `context` returns at the moment
   * each line is written: the active span's ids, wherever the line comes from.
   */
  withContext(context: () => LogFields | undefined): Logger;
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
  // Short values would scrub innocent text; every real secret here is long.
  const secrets = (options.secrets ?? []).filter((s) => s.length >= 8);
  return new JsonLogger(
    {
      write: options.write ?? stdoutLines(),
      now: options.now ?? (() => new Date()),
      secrets,
      minimum: levelRank[options.level],
    },
    '',
  );
}

interface Sink {
  write: (line: string) => void;
  now: () => Date;
  secrets: readonly string[];
  minimum: number;
  /** Set only by withContext (tracing on): without it a line pays one undefined check. */
  context?: () => LogFields | undefined;
}

/**
 * One object per logger, methods on the prototype: a child is made for
 * every request, so it costs one small allocation. Its fields are
 * serialized once, when it is made.
 */
class JsonLogger implements Logger {
  constructor(
    private readonly sink: Sink,
    private readonly boundJson: string,
  ) {}

  debug(message: string, fields?: LogFields): void {
    this.emit('debug', message, fields);
  }
  info(message: string, fields?: LogFields): void {
    this.emit('info', message, fields);
  }
  warn(message: string, fields?: LogFields): void {
    this.emit('warn', message, fields);
  }
  error(message: string, fields?: LogFields): void {
    this.emit('error', message, fields);
  }
  child(fields: LogFields): Logger {
    return new JsonLogger(this.sink, this.boundJson + fieldsJson(fields));
  }
  withContext(context: () => LogFields | undefined): Logger {
    return new JsonLogger({ ...this.sink, context }, this.boundJson);
  }

  private emit(level: LogLevel, message: string, fields?: LogFields): void {
    const { sink } = this;
    if (levelRank[level] < sink.minimum) return;
    // A field named like an earlier one appears twice; JSON readers keep the later, as a spread would.
    const context = sink.context === undefined ? '' : fieldsJson(sink.context());
    let line = `{"time":"${sink.now().toISOString()}","level":"${level}","msg":${JSON.stringify(message)}${context}${this.boundJson}${fieldsJson(fields)}}`;
    for (const secret of sink.secrets) if (line.includes(secret)) line = line.replaceAll(secret, REDACTED);
    sink.write(line);
  }
}

/** `,"name":value` for each field, redacted; empty for none. */
function fieldsJson(fields: LogFields | undefined): string {
  if (fields === undefined) return '';
  if (isPlain(fields)) {
    // Most lines (the access log's) carry a few numbers and strings under innocent names: one native call.
    const json = JSON.stringify(fields);
    return json.length > 2 ? `,${json.slice(1, -1)}` : '';
  }
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

/** Nothing to redact: no sensitive name, and every value a string, number, boolean or null. */
function isPlain(fields: LogFields): boolean {
  for (const key in fields) {
    const value = fields[key];
    if (value !== null && typeof value === 'object') return false;
    if (typeof value === 'bigint' || isSensitive(key)) return false;
  }
  return true;
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
