import { CustodianError, errorFromResponse } from './errors.js';
import type { AccessTokenSource, UploaderKind, UploadOptions, UploadResult } from './upload/types.js';
import { upload as uploadWith } from './upload/upload.js';

/** What the broker hands out for a connection. */
export interface AccessToken {
  accessToken: string;
  tokenType: string;
  /** Epoch ms; null when the provider's token does not expire. */
  expiresAt: number | null;
  scope: string;
  connectionId: string;
  providerId: string;
  account: { userId: string; email: string | null; displayName: string | null };
}

export interface CustodianOptions {
  /** The broker's base URL, e.g. `https://custodian.internal`. */
  baseUrl: string;
  clientId: string;
  clientSecret: string;
  /** A fetch to use instead of the global one (tests, proxies). */
  fetch?: typeof fetch;
  /** Epoch ms; injectable for tests. */
  now?: () => number;
  /** Other API hosts per provider, as each uploader names them (local fakes, proxies). */
  uploadEndpoints?: Partial<Record<UploaderKind, Record<string, string>>>;
}

export interface Connection {
  id: string;
  provider_id: string;
  tenant: string;
  end_user: string;
  account: { user_id: string; email: string | null; display_name: string | null };
  scopes: string[];
  status: 'active' | 'needs_reauth' | 'revoked';
  expires_at: string | null;
  created_at: string;
  updated_at: string;
}

export interface Page<T> {
  data: T[];
  next_cursor: string | null;
}

// Tokens are renewed this long before they expire, so none is used at its last second.
const SERVICE_TOKEN_MARGIN_MS = 30_000;
const ACCESS_TOKEN_MARGIN_MS = 60_000;

/**
 * A client of the broker for an internal service: it authenticates with its
 * client credentials, caches its service token and the access tokens it is
 * handed, and shares one request among concurrent callers.
 *
 * @example
 * const custodian = new Custodian({ baseUrl, clientId, clientSecret });
 * const files = await custodian.withAccessToken(connectionId, (token) =>
 *   fetch('https://api.dropboxapi.com/2/files/list_folder', {
 *     method: 'POST',
 *     headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
 *     body: JSON.stringify({ path: '' }),
 *   }),
 * );
 */
export class Custodian {
  readonly #baseUrl: string;
  readonly #clientId: string;
  readonly #clientSecret: string;
  readonly #fetch: typeof fetch;
  readonly #now: () => number;
  readonly #uploadEndpoints: CustodianOptions['uploadEndpoints'];
  #serviceToken: { value: string; expiresAt: number } | undefined;
  #serviceTokenRequest: Promise<string> | undefined;
  readonly #accessTokens = new Map<string, AccessToken>();
  readonly #accessTokenRequests = new Map<string, Promise<AccessToken>>();
  readonly #tokenSources = new Map<string, AccessTokenSource>();

  constructor(options: CustodianOptions) {
    this.#baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.#clientId = options.clientId;
    this.#clientSecret = options.clientSecret;
    this.#fetch = options.fetch ?? ((input, init) => fetch(input, init));
    this.#now = options.now ?? Date.now;
    this.#uploadEndpoints = options.uploadEndpoints;
  }

  /**
   * A provider access token for a connection, from the cache while it stays
   * valid for `minValiditySeconds` (and a minute more), else from the broker.
   * Concurrent callers for one connection share one request.
   *
   * @see https://www.rfc-editor.org/rfc/rfc6750 for how to send it
   */
  async getAccessToken(
    connectionId: string,
    options: { minValiditySeconds?: number; forceRefresh?: boolean } = {},
  ): Promise<AccessToken> {
    const wanted = (options.minValiditySeconds ?? 0) * 1000 + ACCESS_TOKEN_MARGIN_MS;
    const cached = this.#accessTokens.get(connectionId);
    if (
      !options.forceRefresh &&
      cached &&
      (cached.expiresAt === null || cached.expiresAt - this.#now() > wanted)
    ) {
      return cached;
    }
    const key = options.forceRefresh ? `${connectionId}\u0000force` : connectionId;
    let pending = this.#accessTokenRequests.get(key);
    if (!pending) {
      pending = this.#fetchAccessToken(connectionId, options).finally(() =>
        this.#accessTokenRequests.delete(key),
      );
      this.#accessTokenRequests.set(key, pending);
    }
    return pending;
  }

  async #fetchAccessToken(
    connectionId: string,
    options: { minValiditySeconds?: number; forceRefresh?: boolean },
  ): Promise<AccessToken> {
    const body = await this.#call<{
      access_token: string;
      token_type: string;
      expires_at: string | null;
      scope: string;
      connection_id: string;
      provider_id: string;
      account: { user_id: string; email: string | null; display_name: string | null };
    }>('POST', `/v1/connections/${encodeURIComponent(connectionId)}/access-token`, {
      force_refresh: options.forceRefresh ?? false,
      ...(options.minValiditySeconds === undefined
        ? {}
        : { min_validity_seconds: options.minValiditySeconds }),
    });
    const token: AccessToken = {
      accessToken: body.access_token,
      tokenType: body.token_type,
      expiresAt: body.expires_at === null ? null : Date.parse(body.expires_at),
      scope: body.scope,
      connectionId: body.connection_id,
      providerId: body.provider_id,
      account: {
        userId: body.account.user_id,
        email: body.account.email,
        displayName: body.account.display_name,
      },
    };
    this.#accessTokens.set(connectionId, token);
    return token;
  }

  /**
   * Runs `fn` with a valid access token. If the provider answers 401 (a
   * Response with status 401, or an error with `status: 401`), the token is
   * renewed through the broker and `fn` runs once more.
   *
   * @example
   * const response = await custodian.withAccessToken(id, (token) => fetch(url, { headers: { authorization: `Bearer ${token}` } }));
   */
  async withAccessToken<T>(connectionId: string, fn: (accessToken: string) => Promise<T>): Promise<T> {
    const first = await this.getAccessToken(connectionId);
    try {
      const result = await fn(first.accessToken);
      if (!(result instanceof Response && result.status === 401)) return result;
      await result.body?.cancel();
    } catch (error) {
      if ((error as { status?: unknown } | null)?.status !== 401) throw error;
    }
    const renewed = await this.getAccessToken(connectionId, { forceRefresh: true });
    return fn(renewed.accessToken);
  }

  /**
   * A token source for one connection, as the uploaders take it: the same object for the same
   * connection, so what an uploader keeps per account (Drive's spare file ids) serves every upload.
   */
  tokenSource(connectionId: string): AccessTokenSource {
    let source = this.#tokenSources.get(connectionId);
    if (source === undefined) {
      source = {
        get: async () => (await this.getAccessToken(connectionId)).accessToken,
        refresh: async () => (await this.getAccessToken(connectionId, { forceRefresh: true })).accessToken,
      };
      this.#tokenSources.set(connectionId, source);
    }
    return source;
  }

  /**
   * Uploads a file to the connection's storage provider, in chunks for large
   * files, holding at most one chunk in memory. The provider is taken from
   * `kind`, or guessed from the connection's provider id (`dropbox…`,
   * `microsoft…`/`onedrive…`, `google…`, `box…`).
   *
   * @example
   * const result = await custodian.upload(connectionId, { path: '/backups/db.tar', body: stream, size });
   * if (!result.success) console.error(result.errorMessage);
   */
  async upload(
    connectionId: string,
    options: UploadOptions & { kind?: UploaderKind },
  ): Promise<UploadResult> {
    const failed = (errorMessage: string): UploadResult => ({
      success: false,
      remotePath: options.path,
      fileId: null,
      fileSize: 0,
      errorMessage,
    });
    let kind = options.kind;
    if (kind === undefined) {
      try {
        kind = guessKind((await this.getAccessToken(connectionId)).providerId);
      } catch (error) {
        // An upload answers, it does not throw: an unknown connection is a failed upload too.
        return failed(error instanceof Error ? error.message : String(error));
      }
    }
    if (!kind) return failed('unknown provider: pass `kind`');
    return uploadWith(kind, this.tokenSource(connectionId), options, {
      fetch: this.#fetch,
      endpoints: this.#uploadEndpoints?.[kind],
    });
  }

  /** Starts connecting an end user's account: send their browser to `connect_url`. */
  createConnectSession(input: {
    provider: string;
    tenant: string;
    end_user: string;
    scopes?: string[];
    return_to?: string;
    redirect_uri?: string;
  }) {
    return this.#call<{ id: string; connect_url: string; authorization_url?: string; expires_at: string }>(
      'POST',
      '/v1/connect-sessions',
      input,
    );
  }

  getConnectSession(id: string) {
    return this.#call<{
      id: string;
      status: 'pending' | 'completed' | 'failed';
      connection_id: string | null;
      error: string | null;
    }>('GET', `/v1/connect-sessions/${encodeURIComponent(id)}`);
  }

  /** Finishes a session whose provider redirect reached the service's own page. */
  completeConnectSession(id: string, input: { code: string; state: string; iss?: string }) {
    return this.#call<{ id: string; status: string; connection_id: string | null }>(
      'POST',
      `/v1/connect-sessions/${encodeURIComponent(id)}/complete`,
      input,
    );
  }

  listConnections(
    filter: {
      tenant?: string;
      end_user?: string;
      provider?: string;
      status?: string;
      limit?: number;
      cursor?: string;
    } = {},
  ) {
    const query = new URLSearchParams(
      Object.entries(filter)
        .filter(([, v]) => v !== undefined)
        .map(([k, v]) => [k, String(v)]),
    );
    return this.#call<Page<Connection>>('GET', `/v1/connections${query.size ? `?${query}` : ''}`);
  }

  getConnection(id: string) {
    return this.#call<Connection>('GET', `/v1/connections/${encodeURIComponent(id)}`);
  }

  /** Revokes the grant at the provider and deletes the connection. */
  async deleteConnection(id: string, options: { revoke?: boolean } = {}): Promise<void> {
    await this.#call(
      'DELETE',
      `/v1/connections/${encodeURIComponent(id)}${options.revoke === false ? '?revoke=false' : ''}`,
    );
    this.#accessTokens.delete(id);
  }

  listProviders() {
    return this.#call<Page<{ provider_id: string; display_name: string; is_enabled: boolean }>>(
      'GET',
      '/v1/providers',
    );
  }

  async #call<T>(method: string, path: string, body?: unknown, retried = false): Promise<T> {
    const token = await this.#getServiceToken();
    let response: Response;
    try {
      response = await this.#fetch(`${this.#baseUrl}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${token}`,
          accept: 'application/json',
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch (cause) {
      throw new CustodianError('unavailable', 'the broker could not be reached', 0, undefined, { cause });
    }
    // A service token can be revoked or outlived by a clock skew: get a new one, once.
    if (response.status === 401 && !retried) {
      await response.body?.cancel();
      this.#serviceToken = undefined;
      return this.#call(method, path, body, true);
    }
    if (!response.ok) throw await errorFromResponse(response);
    if (response.status === 204) return undefined as T;
    return (await response.json()) as T;
  }

  async #getServiceToken(): Promise<string> {
    if (this.#serviceToken && this.#serviceToken.expiresAt - this.#now() > SERVICE_TOKEN_MARGIN_MS) {
      return this.#serviceToken.value;
    }
    this.#serviceTokenRequest ??= this.#requestServiceToken().finally(() => {
      this.#serviceTokenRequest = undefined;
    });
    return this.#serviceTokenRequest;
  }

  async #requestServiceToken(): Promise<string> {
    // RFC 6749 §2.3.1: form-urlencode the id and secret before base64.
    const encode = (s: string) => encodeURIComponent(s).replace(/%20/g, '+');
    const basic = btoa(`${encode(this.#clientId)}:${encode(this.#clientSecret)}`);
    let response: Response;
    try {
      response = await this.#fetch(`${this.#baseUrl}/oauth/token`, {
        method: 'POST',
        headers: { authorization: `Basic ${basic}`, 'content-type': 'application/x-www-form-urlencoded' },
        body: 'grant_type=client_credentials',
      });
    } catch (cause) {
      throw new CustodianError('unavailable', 'the broker could not be reached', 0, undefined, { cause });
    }
    if (!response.ok) throw await errorFromResponse(response);
    const answer = (await response.json()) as { access_token: string; expires_in: number };
    this.#serviceToken = { value: answer.access_token, expiresAt: this.#now() + answer.expires_in * 1000 };
    return answer.access_token;
  }
}

function guessKind(providerId: string): UploaderKind | undefined {
  if (providerId.startsWith('dropbox')) return 'dropbox';
  if (providerId.startsWith('microsoft') || providerId.startsWith('onedrive')) return 'onedrive';
  if (providerId.startsWith('google')) return 'google-drive';
  if (providerId.startsWith('box')) return 'box';
  return undefined;
}
