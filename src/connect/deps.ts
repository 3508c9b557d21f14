import type { ConnectionStore } from '../connections/store.js';
import type { Random } from '../crypto/random.js';
import type { Logger } from '../log/logger.js';
import type { JwksCache } from '../oauth/jwks.js';
import type { ProviderClientDeps } from '../oauth/provider-client.js';
import type { ProviderStore } from '../providers/store.js';
import type { UrlVerdict } from '../providers/url-safety.js';
import type { RateLimits } from '../rate-limit/limits.js';
import type { UpstreamFetch } from '../upstream/http-client.js';
import type { Vault } from '../vault/vault.js';
import type { SessionStore } from './session-store.js';

export interface ConnectDeps {
  sessions: SessionStore;
  connections: ConnectionStore;
  providers: ProviderStore;
  vault: Vault;
  random: Random;
  now: () => number;
  log: Logger;
  fetch: UpstreamFetch;
  client: ProviderClientDeps;
  /** Issuers' signing keys, for providers whose account is read from the ID token (shared by every flow). */
  idTokenKeys: Pick<JwksCache, 'keyFor'>;
  publicUrl: string;
  /** The endpoint URL policy, DNS included: URLs filled with a session's connection_params are checked with it. */
  checkUrl: (url: string) => Promise<UrlVerdict>;
  /** Connect sessions per service client (see rate-limit/limits.ts). */
  limits?: RateLimits;
}

export const SESSION_LIFETIME_MS = 10 * 60 * 1000;

export const verifierLocation = (sessionId: string) => ({
  table: 'connect_sessions',
  column: 'code_verifier',
  rowId: sessionId,
});
