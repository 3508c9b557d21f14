/**
 * oidc-provider 9 ships no type declarations (and there is no @types package for 9), so this declares the
 * small part of its API the test support uses. Extend it when a test needs more; it is not exhaustive.
 */
declare module 'oidc-provider' {
  import type { IncomingMessage, ServerResponse } from 'node:http';

  export interface AdapterPayload {
    [key: string]: unknown;
    grantId?: string;
    userCode?: string;
    uid?: string;
    consumed?: number;
  }

  /** The storage interface oidc-provider calls for every model (Session, Grant, AccessToken, ...). */
  export interface Adapter {
    upsert(id: string, payload: AdapterPayload, expiresIn?: number): Promise<void>;
    find(id: string): Promise<AdapterPayload | undefined>;
    findByUserCode(userCode: string): Promise<AdapterPayload | undefined>;
    findByUid(uid: string): Promise<AdapterPayload | undefined>;
    consume(id: string): Promise<void>;
    destroy(id: string): Promise<void>;
    revokeByGrantId(grantId: string): Promise<void>;
  }

  /** The parts of the Koa context (with `ctx.oidc`) the support code reads. */
  export interface KoaContextWithOIDC {
    method: string;
    path: string;
    headers: Record<string, string | string[] | undefined>;
    status: number;
    body: unknown;
    response: { get(field: string): string; set(field: string, value: string): void };
    oidc?: {
      route?: string;
      params?: Record<string, unknown>;
      result?: Record<string, unknown>;
    };
  }

  export interface Account {
    accountId: string;
    claims(use: string, scope: string): Promise<{ sub: string; [claim: string]: unknown }>;
  }

  export interface ClientMetadata {
    client_id: string;
    client_secret?: string;
    redirect_uris: string[];
    grant_types?: string[];
    response_types?: string[];
    token_endpoint_auth_method?: string;
    [key: string]: unknown;
  }

  export class Check {
    static REQUEST_PROMPT: true;
    static NO_NEED_TO_PROMPT: false;
    constructor(reason: string, description: string, check: (ctx: KoaContextWithOIDC) => boolean);
  }

  export interface Prompt {
    name: string;
    checks: Check[] & { add(check: Check, index?: number): void };
  }

  export type Policy = Prompt[] & { get(name: string): Prompt | undefined };

  export const interactionPolicy: { Check: typeof Check; base(): Policy };

  export interface Interaction {
    uid: string;
    prompt: {
      name: string;
      reasons: string[];
      details: {
        missingOIDCScope?: string[];
        missingOIDCClaims?: string[];
        missingResourceScopes?: Record<string, string[]>;
      };
    };
    params: Record<string, unknown> & { client_id: string };
    session?: { uid: string; cookie: string; accountId: string };
    grantId?: string;
    lastSubmission?: Record<string, unknown>;
    exp: number;
    save(ttl: number): Promise<string>;
  }

  export class Grant {
    constructor(properties: { accountId: string; clientId: string });
    static find(id: string): Promise<Grant | undefined>;
    accountId: string;
    clientId: string;
    addOIDCScope(scope: string): void;
    addOIDCClaims(claims: string[]): void;
    addResourceScope(resource: string, scope: string): void;
    save(): Promise<string>;
    destroy(): Promise<void>;
  }

  /** A stored token as oidc-provider models it (AccessToken, RefreshToken, AuthorizationCode). */
  export interface StoredToken {
    jti: string;
    accountId: string;
    clientId: string;
    grantId: string;
    scope?: string;
    consumed?: number;
    exp?: number;
    isExpired: boolean;
  }

  export interface TokenModel {
    find(value: string, options?: { ignoreExpiration?: boolean }): Promise<StoredToken | undefined>;
  }

  export interface Configuration {
    [key: string]: unknown;
  }

  export default class Provider {
    constructor(issuer: string, configuration?: Configuration);
    readonly issuer: string;
    readonly Grant: typeof Grant;
    readonly Session: {
      find(id: string): Promise<{ accountId?: string; destroy(): Promise<void> } | undefined>;
    };
    readonly Client: { find(id: string): Promise<{ clientId: string } | undefined> };
    readonly AccessToken: TokenModel;
    readonly RefreshToken: TokenModel;
    readonly AuthorizationCode: TokenModel;
    /** Koa's request handler, for `http.createServer`. */
    callback(): (req: IncomingMessage, res: ServerResponse) => void;
    use(middleware: (ctx: KoaContextWithOIDC, next: () => Promise<void>) => Promise<void>): this;
    on(event: string, listener: (...args: never[]) => void): this;
    interactionDetails(req: IncomingMessage, res: ServerResponse): Promise<Interaction>;
    interactionFinished(
      req: IncomingMessage,
      res: ServerResponse,
      result: Record<string, unknown>,
      options?: { mergeWithLastSubmission?: boolean },
    ): Promise<void>;
  }
}
