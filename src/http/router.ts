import type { Context, Hono, MiddlewareHandler } from 'hono';
import type { z } from 'zod';
import type { Logger } from '../log/logger.js';
import type { Caller } from './caller.js';
import { AppError } from './errors.js';
import { parseInput, readForm, readJsonBody } from './input.js';

/**
 * Routes are declared once, as data plus a handler. The same declaration
 * registers the Hono handler, validates the request, and becomes the
 * route's entry in `openapi.yaml`, so the spec cannot drift from the server.
 */

export type AppEnv = {
  Variables: {
    requestId: string;
    log: Logger;
    caller: Caller;
    /** The tenant a state-changing request acted in, once the handler knows it: its audit event's tenant. */
    auditTenant: string | undefined;
  };
};
export type AuthKind = 'admin' | 'service' | 'none';
export type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';

export interface ResponseDefinition {
  description: string;
  /** Omitted for responses without a JSON body (204, redirects). */
  schema?: z.ZodType;
  /** Served as this media type instead of JSON (the spec, the docs page). */
  mediaType?: string;
}

export interface RouteDefinition<
  P extends z.ZodType = z.ZodType,
  Q extends z.ZodType = z.ZodType,
  B extends z.ZodType = z.ZodType,
> {
  method: Method;
  /** OpenAPI form: `/v1/admin/providers/{provider_id}`. */
  path: string;
  operationId: string;
  summary: string;
  description?: string;
  tag: string;
  auth: AuthKind;
  params?: P;
  query?: Q;
  body?: B;
  /** An empty body (no content type) reads as `{}`. */
  bodyOptional?: boolean;
  /** A form-encoded body instead of JSON (the OAuth endpoints); handed over as URLSearchParams. */
  form?: z.ZodType;
  responses: Record<number, ResponseDefinition>;
  /** Hidden from the spec (the docs page itself). */
  hidden?: boolean;
  /** The handler records its own audit events (the token hand-out), so the router does not. */
  auditsItself?: boolean;
  /** Replaces the guard `auth` names (the metrics route also takes the scraper's token); `auth` stays what the spec shows. */
  guard?: MiddlewareHandler<AppEnv>;
}

type Output<T> = T extends z.ZodType ? z.output<T> : undefined;
export interface RouteInput<P, Q, B> {
  params: Output<P>;
  query: Output<Q>;
  body: Output<B>;
  form: URLSearchParams;
}

export type Handler<P, Q, B> = (
  c: Context<AppEnv>,
  input: RouteInput<P, Q, B>,
) => Response | Promise<Response>;

export interface RouterOptions {
  guards: Record<AuthKind, MiddlewareHandler<AppEnv>>;
  /** Largest request body read (see body-limit.ts); 64 KiB if omitted. */
  bodyLimitBytes?: number;
  /** Tests turn this on: every JSON answer is checked against its declared schema. */
  validateResponses?: boolean;
  /** Called after every state-changing request that got past its guard: the audit trail. */
  onChange?: (
    c: Context<AppEnv>,
    definition: RouteDefinition,
    outcome: { status: number; error?: unknown },
  ) => void;
}

export class Router {
  readonly definitions: RouteDefinition[] = [];

  constructor(
    readonly app: Hono<AppEnv>,
    private readonly options: RouterOptions,
  ) {}

  add<P extends z.ZodType | undefined, Q extends z.ZodType | undefined, B extends z.ZodType | undefined>(
    definition: RouteDefinition & { params?: P; query?: Q; body?: B },
    handler: Handler<P, Q, B>,
  ): void {
    this.definitions.push(definition);
    const honoPath = definition.path.replace(/\{([^}]+)\}/g, ':$1');
    const guard = definition.guard ?? this.options.guards[definition.auth];
    const limit = this.options.bodyLimitBytes ?? 64 * 1024;
    const audited = definition.method !== 'get' && definition.auth !== 'none' && !definition.auditsItself;
    this.app.on(definition.method.toUpperCase(), honoPath, guard, async (c) => {
      try {
        const input = {
          params: definition.params ? parseInput(definition.params, c.req.param(), 'path') : undefined,
          query: definition.query ? parseInput(definition.query, c.req.query(), 'query') : undefined,
          body: definition.body
            ? parseInput(definition.body, await readBody(c, definition, limit), 'body')
            : undefined,
          form: definition.form ? await readForm(c, definition.form, limit) : new URLSearchParams(),
        } as RouteInput<P, Q, B>;
        const response = await handler(c, input);
        if (this.options.validateResponses) await checkResponse(definition, response);
        if (audited) this.options.onChange?.(c, definition, { status: response.status });
        return response;
      } catch (error) {
        if (audited) this.options.onChange?.(c, definition, { status: 0, error });
        throw error;
      }
    });
  }
}

async function readBody(c: Context, definition: RouteDefinition, limit: number): Promise<unknown> {
  const empty = !c.req.header('content-type') && (c.req.header('content-length') ?? '0') === '0';
  return definition.bodyOptional && empty ? {} : readJsonBody(c, limit);
}

async function checkResponse(definition: RouteDefinition, response: Response): Promise<void> {
  const declared = definition.responses[response.status];
  const where = `${definition.method.toUpperCase()} ${definition.path} ${response.status}`;
  if (!declared) throw new AppError('internal_error', 500, `undeclared response ${where}`);
  if (!declared.schema) return;
  const body = await response.clone().json();
  const result = declared.schema.safeParse(body);
  if (!result.success) {
    throw new AppError('internal_error', 500, `response does not match its schema: ${where}`, {
      cause: result.error,
    });
  }
}
