import { z } from 'zod';
import { problemSchema } from '../http/problem.js';
import { routeErrors } from '../http/route-errors.js';
import type { RouteDefinition } from '../http/router.js';
import { securityOf, securitySchemes } from './security.js';
import { tags } from './tags.js';

/**
 * Builds the OpenAPI 3.1 document from the routes the app registered. Schemas
 * named with `.meta({ id })` become shared components; the error answers of
 * each route are derived from its auth kind, its input and the codes it
 * declares (http/route-errors.ts).
 */

type JsonSchema = Record<string, unknown>;

export interface DocumentInfo {
  title: string;
  version: string;
  description: string;
}

export function buildOpenApiDocument(routes: readonly RouteDefinition[], info: DocumentInfo) {
  const components: Record<string, JsonSchema> = {};
  const convert = (schema: z.ZodType, io: 'input' | 'output') => hoist(schema, io, components);

  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes) {
    if (route.hidden) continue;
    const operation: Record<string, unknown> = {
      operationId: route.operationId,
      summary: route.summary,
      description: route.description ?? route.summary,
      tags: [route.tag],
      security: securityOf(route.auth, route.alsoAccepts),
      parameters: [
        ...parameters(route.params, 'path', convert),
        ...parameters(route.query, 'query', convert),
      ],
      requestBody: route.body
        ? { required: true, content: { 'application/json': { schema: convert(route.body, 'input') } } }
        : route.form
          ? {
              required: true,
              content: { 'application/x-www-form-urlencoded': { schema: convert(route.form, 'input') } },
            }
          : undefined,
      responses: responses(route, convert),
    };
    if ((operation.parameters as unknown[]).length === 0) delete operation.parameters;
    paths[route.path] ??= {};
    paths[route.path]![route.method] = operation;
  }

  const used = new Set(routes.filter((r) => !r.hidden).map((r) => r.tag));
  return {
    openapi: '3.1.1',
    info,
    // Relative: the API is wherever this document is served from.
    servers: [{ url: '/', description: 'this broker' }],
    tags: [
      ...tags.filter((t) => used.has(t.name)),
      // A tag added without a description still appears (the spec test asks for one).
      ...[...used].filter((name) => !tags.some((t) => t.name === name)).map((name) => ({ name })),
    ],
    paths,
    components: {
      schemas: Object.fromEntries(Object.entries(components).sort(([a], [b]) => a.localeCompare(b))),
      headers: rateLimitHeaders,
      securitySchemes,
    },
  };
}

/**
 * What every 429 carries (rate-limit/limiter.ts: limitHeaders), referenced
 * from each: the wait, and the limit met in the structured-field syntax of
 * draft-ietf-httpapi-ratelimit-headers (-08 on).
 */
const rateLimitHeaders = {
  'Retry-After': {
    description: 'Seconds to wait before trying again: when the limit’s window ends (RFC 9110 §10.2.3).',
    required: true,
    schema: { type: 'integer', minimum: 0 },
    example: 42,
  },
  'RateLimit-Policy': {
    description:
      'The limit that was met: its name, `q` the requests (or failures) it allows per window and `w` the ' +
      'window in seconds (draft-ietf-httpapi-ratelimit-headers).',
    required: true,
    schema: { type: 'string' },
    example: '"client-auth-failures";q=10;w=60',
  },
  RateLimit: {
    description:
      'That limit now: its name, `r` what remains in the window (0) and `t` the seconds until it ends ' +
      '(draft-ietf-httpapi-ratelimit-headers).',
    required: true,
    schema: { type: 'string' },
    example: '"client-auth-failures";r=0;t=42',
  },
};
const rateLimitHeaderRefs = Object.fromEntries(
  Object.keys(rateLimitHeaders).map((name) => [name, { $ref: `#/components/headers/${name}` }]),
);

type Convert = (schema: z.ZodType, io: 'input' | 'output') => JsonSchema;

function parameters(schema: z.ZodType | undefined, where: 'path' | 'query', convert: Convert) {
  if (!schema) return [];
  const json = convert(schema, 'input') as { properties?: Record<string, JsonSchema>; required?: string[] };
  return Object.entries(json.properties ?? {}).map(([name, property]) => {
    const { description, ...rest } = property;
    return {
      name,
      in: where,
      required: where === 'path' || (json.required ?? []).includes(name),
      description,
      schema: rest,
    };
  });
}

// The OAuth endpoints answer errors as RFC 6749 §5.2 JSON, not problem+json.
const oauthErrorSchema = z
  .object({ error: z.string(), error_description: z.string().optional() })
  .meta({ id: 'OAuthError' });

function responses(route: RouteDefinition, convert: Convert) {
  const oauth = route.auth === 'client';
  const errorContent = oauth
    ? { 'application/json': { schema: convert(oauthErrorSchema, 'output') } }
    : { 'application/problem+json': { schema: convert(problemSchema, 'output') } };
  const out: Record<
    string,
    { description: string; headers?: Record<string, unknown>; content?: Record<string, unknown> }
  > = {};
  for (const [status, response] of Object.entries(route.responses)) {
    const mediaType = response.mediaType ?? 'application/json';
    out[status] = {
      description: response.description,
      content: response.schema
        ? { [mediaType]: { schema: convert(response.schema, 'output') } }
        : response.mediaType
          ? { [mediaType]: {} }
          : undefined,
    };
  }
  for (const [status, codes] of routeErrors(route)) {
    const listed = `${oauth ? '`error`' : '`code`'}: ${codes.map((code) => `\`${code}\``).join(', ')}`;
    const declared = out[status];
    out[status] = declared
      ? // The handler answers this status itself too (an HTML page, say): both bodies are possible.
        {
          description: `${declared.description}; or ${listed}`,
          content: { ...declared.content, ...errorContent },
        }
      : { description: `${whatFailed(route, status)}; ${listed}`, content: errorContent };
    if (status === 429) out[status].headers = rateLimitHeaderRefs;
  }
  out.default = {
    description: `unexpected error; ${oauth ? '`error`: `server_error`' : '`code`: `internal_error`'}`,
    content: errorContent,
  };
  return out;
}

function whatFailed(route: RouteDefinition, status: number): string {
  switch (status) {
    case 400:
      return 'the request is malformed or invalid';
    case 401:
      if (route.alsoAccepts?.length)
        return `the credential (${['admin', ...route.alsoAccepts].join(' or ')}) is missing or wrong`;
      return {
        admin: 'the admin credential is missing or wrong',
        service: 'the service token is missing, invalid or expired',
        client: 'client authentication failed',
        none: 'not authenticated',
      }[route.auth];
    case 403:
      return 'the client’s grants do not allow this';
    case 404:
      return 'no such resource';
    case 409:
      return 'the resource’s state does not allow this';
    case 413:
      return 'the request body is too large';
    case 415:
      return route.form
        ? 'the body must be application/x-www-form-urlencoded'
        : 'the body must be application/json';
    case 422:
      return 'the request is well-formed but not allowed';
    case 429:
      return `${whatIsLimited(route)}. Counted per replica; \`RateLimit-Policy\` names the limit met; wait \`Retry-After\` seconds`;
    case 502:
      return 'the provider failed or refused';
    case 503:
      return 'temporarily unavailable; honour Retry-After where sent';
    case 504:
      return 'the provider did not answer in time';
    default:
      return 'the request failed';
  }
}

/** The limits a route's 429 can come from (rate-limit/limits.ts), by its credential and its codes. */
function whatIsLimited(route: RouteDefinition): string {
  const limits: string[] = {
    admin: ['too many failed admin authentications from this source address'],
    client: ['too many failed client authentications for this client id or from this source address'],
    service: [],
    none: [],
  }[route.auth];
  if (route.errors?.includes('rate_limited'))
    limits.push(
      'this client’s own limit for the operation (`handouts` for a hand-out or token exchange, ' +
        '`connect-sessions` for a connect session)',
    );
  return limits.length > 0 ? limits.join('; or ') : 'too many requests';
}

/** Converts one schema, moving its named parts into `components`. */
function hoist(
  schema: z.ZodType,
  io: 'input' | 'output',
  components: Record<string, JsonSchema>,
): JsonSchema {
  const {
    $schema: _dialect,
    $defs,
    ...root
  } = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as JsonSchema & {
    $defs?: Record<string, JsonSchema>;
  };
  for (const [id, definition] of Object.entries($defs ?? {})) {
    const rewritten = rewriteRefs(definition);
    const existing = components[id];
    if (existing && JSON.stringify(existing) !== JSON.stringify(rewritten)) {
      throw new Error(`schema id "${id}" names two different schemas (input and output differ?)`);
    }
    components[id] = rewritten;
  }
  return rewriteRefs(root);
}

function rewriteRefs<T>(value: T): T {
  return JSON.parse(
    JSON.stringify(value, (key, v) =>
      key === '$ref' && typeof v === 'string' ? v.replace('#/$defs/', '#/components/schemas/') : v,
    ),
  );
}
