import type { Context } from 'hono';
import type { z } from 'zod';
import { readBodyText } from './body-limit.js';
import { AppError, type FieldIssue, invalidRequest } from './errors.js';

/** Reads a JSON request body, refusing anything that is not JSON with a clear code. */
export async function readJsonBody(c: Context, maxBytes: number): Promise<unknown> {
  const type = c.req.header('content-type') ?? '';
  if (!isJsonMediaType(type)) {
    throw new AppError('unsupported_media_type', 'the request body must be application/json', {
      headers: { accept: 'application/json' },
    });
  }
  const text = await readBodyText(c, maxBytes);
  if (text.trim() === '') throw new AppError('malformed_json', 'the request body is empty');
  try {
    return JSON.parse(text);
  } catch (cause) {
    // JSON.parse's message quotes the input; keep it out of the answer.
    throw new AppError('malformed_json', 'the request body is not valid JSON', { cause });
  }
}

/**
 * Reads a form-encoded body (RFC 6749 endpoints). A parameter sent twice is
 * refused (RFC 6749 §3.2), then the whole form is checked against `schema`.
 */
export async function readForm(c: Context, schema: z.ZodType, maxBytes: number): Promise<URLSearchParams> {
  const type = c.req.header('content-type')?.split(';')[0]?.trim().toLowerCase();
  if (type !== 'application/x-www-form-urlencoded') {
    throw new AppError(
      'unsupported_media_type',
      'the request body must be application/x-www-form-urlencoded',
    );
  }
  const form = new URLSearchParams(await readBodyText(c, maxBytes));
  const seen = new Set<string>();
  for (const name of form.keys()) {
    if (seen.has(name)) throw invalidRequest(`parameter "${truncate(name)}" is repeated`);
    seen.add(name);
  }
  parseInput(schema, Object.fromEntries(form), 'body');
  return form;
}

function isJsonMediaType(header: string): boolean {
  const essence = header.split(';')[0]?.trim().toLowerCase() ?? '';
  return essence === 'application/json' || /^application\/[a-z0-9.+-]+\+json$/.test(essence);
}

type Location = 'path' | 'query' | 'body';

/** Validates one part of the request; every problem is reported, each with a JSON Pointer. */
export function parseInput<T extends z.ZodType>(schema: T, value: unknown, location: Location): z.output<T> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issues = result.error.issues.flatMap((issue) => toFieldIssues(issue, location));
  if (location === 'path') throw new AppError('not_found', 'no such resource');
  throw invalidRequest(`the request ${location} is invalid: ${issues[0]?.message ?? 'invalid'}`, issues);
}

function toFieldIssues(issue: z.core.$ZodIssue, location: Location): FieldIssue[] {
  const prefix = location === 'query' ? '/query' : '';
  const base = prefix + issue.path.map((p) => `/${escapePointer(String(p))}`).join('');
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map((key) => ({
      pointer: `${base}/${escapePointer(key)}`,
      message: `unknown field "${truncate(key)}"`,
    }));
  }
  return [{ pointer: base, message: issue.message }];
}

const escapePointer = (segment: string) => segment.replaceAll('~', '~0').replaceAll('/', '~1');
const truncate = (text: string) => (text.length > 64 ? `${text.slice(0, 64)}…` : text);
