import type { Deps } from '../app.js';
import { tokenLocation } from '../connections/token-location.js';

type ConnectionRow = Deps['database']['tables']['connections']['$inferInsert'];

/**
 * Stores a connection directly, its tokens sealed by the app's vault where
 * the broker would seal them: for tests that need one without a connect flow.
 */
export async function seedConnection(
  deps: Pick<Deps, 'database' | 'vault'>,
  connection: {
    id: string;
    tenant?: string;
    providerId: string;
    accessToken: string;
    refreshToken?: string | null;
    expiresAt: number | null;
    now?: number;
  } & Partial<Omit<ConnectionRow, 'accessToken' | 'refreshToken'>>,
): Promise<void> {
  const { vault, database } = deps;
  const { id, accessToken, refreshToken = 'a-refresh-token', now = Date.now(), ...rest } = connection;
  await database.db.insert(database.tables.connections).values({
    tenant: 'acme',
    endUser: 'u',
    accountId: `acct-${id}`,
    scopes: '["files"]',
    status: 'active',
    tokenType: 'Bearer',
    createdAt: now,
    updatedAt: now,
    ...rest,
    id,
    accessToken: vault.encrypt(accessToken, tokenLocation(id, 'access_token')),
    refreshToken:
      refreshToken === null ? null : vault.encrypt(refreshToken, tokenLocation(id, 'refresh_token')),
  });
}
