import type { Context, Hono, MiddlewareHandler } from 'hono';
import type { z } from 'zod';
import { isAuditedRoute } from '../audit/actions.js';
import type { Logger } from '../log/logger.js';
import type { SecuritySchemeName } from '../openapi/security.js';
import type { OAuthErrorCode } from '../tokens/oauth-error.js';
import { tooLarge } from './body-limit.js';
import type { Caller } from './caller.js';
import { AppError, type ErrorCode } from './errors.js';
import { parseInput, readForm, readJsonBody } from './input.js';
import { handleError } from './problem.js';
import { routeErrors } from './route-errors.js';

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
/**
 * Who may call a route. `client` is an OAuth client authenticating at the
 * broker's own `/oauth/*` endpoints (HTTP Basic or form credentials, checked
 * by the handler); those routes answer errors in RFC 6749's language.
 */
export type AuthKind = 'admin' | 'service' | 'client' | 'none';
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
  /** Shown under the summary; the spec falls back to the summary where omitted. */
  description?: string;
  /** One of the tags described in openapi/tags.ts. */
  tag: string;
  auth: AuthKind;
  params?: P;
  query?: Q;
  body?: B;
  /** An empty body (no content type) reads as `{}`. */
  bodyOptional?: boolean;
  /** A form-encoded body instead of JSON (the OAuth endpoints); handed over as URLSearchParams. */
  form?: z.ZodType;
  /** The answers the handler returns itself. Error answers are derived: see `errors`. */
  responses: Record<number, ResponseDefinition>;
  /**
   * Problem codes the handler (or what it calls) can raise. Those the router
   * raises itself are added from the auth kind and the input taken: 401
   * `unauthorized`, 404 `not_found` for path parameters, 400/413/415 for a body
   * (see http/route-errors.ts).
   */
  errors?: readonly ErrorCode[];
  /** RFC 6749 error codes a `client` route raises besides invalid_request and invalid_client. */
  oauthErrors?: readonly OAuthErrorCode[];
  /** Hidden from the spec (the docs page itself). */
  hidden?: boolean;
  /** The handler records its own audit events (the token hand-out), so the router does not. */
  auditsItself?: boolean;
  /** Replaces the guard `auth` names (the metrics route also takes the scraper's token); `auth` stays what the spec shows. */
  guard?: MiddlewareHandler<AppEnv>;
  /** Credentials that `guard` takes besides `auth`'s: alternative security requirements in the spec. */
  alsoAccepts?: readonly SecuritySchemeName[];
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

export type ErrorHandler = (error: unknown, c: Context<AppEnv>) => Response;

export interface RouterOptions {
  /** `client` routes authenticate in their handler; their guard lets every request through if omitted. */
  guards: Record<Exclude<AuthKind, 'client'>, MiddlewareHandler<AppEnv>> &
    Partial<Record<'client', MiddlewareHandler<AppEnv>>>;
  /** How a route's errors are answered, by auth kind; problem+json (problem.ts) where not given. */
  errorHandlers?: Partial<Record<AuthKind, ErrorHandler>>;
  /** Largest request body read (see body-limit.ts); 64 KiB if omitted. */
  bodyLimitBytes?: number;
  /**
   * Tests turn this on: every JSON answer is checked against its declared
   * schema, and every error answer against the statuses and codes derived for
   * the route.
   */
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
    const guard = definition.guard ?? this.options.guards[definition.auth] ?? letThrough;
    const renderError = this.options.errorHandlers?.[definition.auth] ?? handleError;
    const limit = this.options.bodyLimitBytes ?? 64 * 1024;
    const audited = isAuditedRoute(definition);
    const validate = this.options.validateResponses === true;
    // Limit, guard and handler run in one place, so the route's own error handler answers all of them.
    this.app.on(definition.method.toUpperCase(), honoPath, async (c) => {
      let authorized = false;
      try {
        const declared = c.req.header('content-length');
        if (declared !== undefined && Number(declared) > limit) throw tooLarge(limit);
        const refused = await guard(c, async () => {
          authorized = true;
        });
        if (!authorized) return refused ?? c.res;
        const input = {
          params: definition.params ? parseInput(definition.params, c.req.param(), 'path') : undefined,
          query: definition.query ? parseInput(definition.query, c.req.query(), 'query') : undefined,
          body: definition.body
            ? parseInput(definition.body, await readBody(c, definition, limit), 'body')
            : undefined,
          form: definition.form ? await readForm(c, definition.form, limit) : new URLSearchParams(),
        } as RouteInput<P, Q, B>;
        const response = await handler(c, input);
        if (validate) await checkResponse(definition, response);
        if (audited) this.options.onChange?.(c, definition, { status: response.status });
        return response;
      } catch (error) {
        if (audited && authorized) this.options.onChange?.(c, definition, { status: 0, error });
        const response = renderError(error, c);
        if (validate) await checkErrorResponse(definition, response);
        return response;
      }
    });
  }
}

const letThrough: MiddlewareHandler<AppEnv> = async (_c, next) => next();

async function readBody(c: Context, definition: RouteDefinition, limit: number): Promise<unknown> {
  const empty = !c.req.header('content-type') && (c.req.header('content-length') ?? '0') === '0';
  return definition.bodyOptional && empty ? {} : readJsonBody(c, limit);
}

async function checkResponse(definition: RouteDefinition, response: Response): Promise<void> {
  const declared = definition.responses[response.status];
  const where = `${definition.method.toUpperCase()} ${definition.path} ${response.status}`;
  if (!declared) throw new AppError('internal_error', `undeclared response ${where}`);
  if (!declared.schema) return;
  const body = await response.clone().json();
  const result = declared.schema.safeParse(body);
  if (!result.success) {
    throw new AppError('internal_error', `response does not match its schema: ${where}`, {
      cause: result.error,
    });
  }
}

/** An error answer must be one the spec lists for the route: its status, and its code under that status. */
async function checkErrorResponse(definition: RouteDefinition, response: Response): Promise<void> {
  if (response.status === 500 || definition.responses[response.status]) return;
  const where = `${definition.method.toUpperCase()} ${definition.path} ${response.status}`;
  const codes = routeErrors(definition).get(response.status);
  const body = (await response.clone().json()) as { code?: string; error?: string };
  const code = body.code ?? body.error ?? '';
  if (!codes?.includes(code)) {
    throw new Error(`undeclared error answer ${where} ${code}: add it to the route's errors`);
  }
}
