import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { tokenLocation } from '../connections/token-location.js';
import { allGrants, createTestApp } from '../test-support/app.js';
import { availableEngines } from '../test-support/databases.js';
import { rewrap, secretColumns } from './rewrap.js';
import { keyIdOf, Vault } from './vault.js';

/**
 * Key rotation across every encrypted column the broker writes: after rewrap
 * nothing is left on the old key, and everything still works with the new
 * key alone — provider secrets, connection tokens, PKCE verifiers, signing
 * keys and the client-secret pepper.
 */

const engines = await availableEngines();

describe.each(engines)('rewrap of every secret column on %s', (engine) => {
  it('moves them all to the new key and the broker keeps working without the old one', async () => {
    const oldKey = { id: 'old', material: randomBytes(32) };
    const newKey = { id: 'new', material: randomBytes(32) };
    const t = await createTestApp({ engine, vault: new Vault([oldKey]) });
    try {
      // One value in each encrypted column, all made with the old key.
      expect(
        (
          await t.admin('POST', '/v1/admin/providers', {
            preset: 'dropbox',
            client_id: 'c',
            client_secret: 's',
          })
        ).status,
      ).toBe(201);
      const client = await t.client(allGrants());
      const serviceToken = await client.token();
      expect(
        (
          await client.request('POST', '/v1/connect-sessions', {
            provider: 'dropbox',
            tenant: 'acme',
            end_user: 'u',
          })
        ).status,
      ).toBe(201);
      // A webhook endpoint whose secret was rotated: both its secret columns hold a value.
      const endpoint = await t.admin('POST', '/v1/admin/webhook-endpoints', {
        url: 'https://hooks.example/in',
      });
      expect(endpoint.status).toBe(201);
      const { id: endpointId } = (await endpoint.json()) as { id: string };
      expect((await t.admin('POST', `/v1/admin/webhook-endpoints/${endpointId}/rotate-secret`)).status).toBe(
        200,
      );
      const now = Date.now();
      await t.deps.database.db.insert(t.deps.database.tables.connections).values({
        id: 'conn_r',
        tenant: 'acme',
        providerId: 'dropbox',
        endUser: 'u',
        accountId: 'a',
        scopes: '[]',
        status: 'active',
        accessToken: t.deps.vault.encrypt('the-access-token', tokenLocation('conn_r', 'access_token')),
        refreshToken: t.deps.vault.encrypt('the-refresh-token', tokenLocation('conn_r', 'refresh_token')),
        tokenType: 'Bearer',
        expiresAt: now + 3600_000,
        createdAt: now,
        updatedAt: now,
      });

      const rotated = new Vault([newKey, oldKey]);
      const reports = await rewrap(t.testDatabase.database, rotated);
      expect(reports.map((r) => r.column).sort()).toEqual(
        secretColumns(t.testDatabase.database)
          .map((c) => `${c.tableName}.${c.columnName}`)
          .sort(),
      );
      for (const report of reports) expect(report.rewrapped, report.column).toBe(report.scanned);
      expect(reports.every((r) => r.scanned >= 1)).toBe(true);

      // Nothing is left on the old key.
      for (const spec of secretColumns(t.testDatabase.database)) {
        const rows = (await t.deps.database.db.select({ value: spec.value }).from(spec.table)) as Array<{
          value: string | null;
        }>;
        for (const { value } of rows) if (value !== null) expect(keyIdOf(value), spec.columnName).toBe('new');
      }

      // A broker that knows only the new key serves everything as before.
      const after = await createTestApp({
        engine,
        testDatabase: t.testDatabase,
        vault: new Vault([newKey]),
        replicaId: 'after-rotation',
      });
      try {
        const providers = await after.app.request('/v1/providers', {
          headers: { authorization: `Bearer ${serviceToken}` },
        });
        expect(providers.status).toBe(200);
        const token = await after.app.request('/oauth/token', {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({
            grant_type: 'client_credentials',
            client_id: client.clientId,
            client_secret: client.secret,
          }),
        });
        expect(token.status).toBe(200);
        const handOut = await after.app.request('/v1/connections/conn_r/access-token', {
          method: 'POST',
          headers: {
            authorization: `Bearer ${((await token.json()) as { access_token: string }).access_token}`,
          },
        });
        expect(handOut.status).toBe(200);
        expect(((await handOut.json()) as { access_token: string }).access_token).toBe('the-access-token');
        // Rotating decrypts the current webhook secret: it reads with the new key alone.
        expect(
          (await after.admin('POST', `/v1/admin/webhook-endpoints/${endpointId}/rotate-secret`)).status,
        ).toBe(200);
      } finally {
        await after.close();
      }
    } finally {
      await t.close();
    }
  });
});
