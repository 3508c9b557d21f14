import { z } from 'zod';
import { problemSchema } from '../http/problem.js';
import type { RouteDefinition } from '../http/router.js';

/**
 * Builds the OpenAPI 3.1 document from the routes the app registered. Schemas
 * named with `.meta({ id })` become shared components; the error answers every
 * route can give are added here, from what the route declares it takes.
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
      description: route.description,
      tags: [route.tag],
      security:
        route.auth === 'none'
          ? undefined
          : [{ [route.auth === 'admin' ? 'adminToken' : 'serviceToken']: [] }],
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

  return {
    openapi: '3.1.1',
    info,
    paths,
    components: {
      schemas: Object.fromEntries(Object.entries(components).sort(([a], [b]) => a.localeCompare(b))),
      securitySchemes: {
        adminToken: {
          type: 'http',
          scheme: 'bearer',
          description: 'the admin credential (CUSTODIAN_ADMIN_TOKEN)',
        },
      },
    },
  };
}

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
  const problem = (description: string) =>
    route.form
      ? { description, content: { 'application/json': { schema: convert(oauthErrorSchema, 'output') } } }
      : {
          description,
          content: { 'application/problem+json': { schema: convert(problemSchema, 'output') } },
        };
  const out: Record<string, unknown> = {};
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
  const takesInput = route.body || route.query || route.form;
  if (takesInput) out['400'] ??= problem('malformed or invalid request');
  if (route.auth !== 'none') out['401'] ??= problem('missing or invalid credential');
  if (route.params) out['404'] ??= problem('no such resource');
  if (route.body || route.form) {
    out['413'] ??= problem('request body too large');
    out['415'] ??= problem('request body is not JSON');
  }
  out.default = problem('unexpected error');
  return out;
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
