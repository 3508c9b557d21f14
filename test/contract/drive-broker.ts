import createClient from 'openapi-fetch';
import { expect } from 'vitest';
import type { components, paths } from './openapi-types.js';

/**
 * The typed client's session against a running broker: every call below is
 * checked by the compiler against the types generated from openapi.yaml.
 */

type Problem = components['schemas']['Problem'];
type OAuthError = components['schemas']['OAuthError'];
type Grants = components['schemas']['ClientCreate']['grants'];

const form = (body: Record<string, unknown>) =>
  new URLSearchParams(Object.entries(body).map(([name, value]) => [name, String(value)])).toString();
const formHeaders = { 'content-type': 'application/x-www-form-urlencoded' };

export async function driveBroker(baseUrl: string, adminToken: string, grants: Grants): Promise<void> {
  const admin = createClient<paths>({ baseUrl, headers: { authorization: `Bearer ${adminToken}` } });

  // Provider CRUD.
  const created = await admin.POST('/v1/admin/providers', {
    body: { preset: 'dropbox', client_id: 'dropbox-app', client_secret: 'dropbox-secret' },
  });
  expect(created.response.status).toBe(201);
  expect(created.data?.provider_id).toBe('dropbox');
  expect(created.data?.client_secret_set).toBe(true);
  const read = await admin.GET('/v1/admin/providers/{provider_id}', {
    params: { path: { provider_id: 'dropbox' } },
  });
  expect(read.data?.display_name).toBe(created.data?.display_name);
  const patched = await admin.PATCH('/v1/admin/providers/{provider_id}', {
    params: { path: { provider_id: 'dropbox' } },
    body: { display_name: 'Team Dropbox' },
  });
  expect(patched.data?.display_name).toBe('Team Dropbox');
  const listed = await admin.GET('/v1/admin/providers', { params: { query: { limit: 10 } } });
  expect(listed.data?.data.map((p) => p.provider_id)).toEqual(['dropbox']);
  const duplicate = await admin.POST('/v1/admin/providers', {
    body: { preset: 'dropbox', client_id: 'x', client_secret: 'y' },
  });
  expect(duplicate.response.status).toBe(409);
  expect((duplicate.error as Problem | undefined)?.code).toBe('provider_exists');
  await admin.POST('/v1/admin/providers', {
    body: { preset: 'box', client_id: 'box-app', client_secret: 'box-secret' },
  });
  const removed = await admin.DELETE('/v1/admin/providers/{provider_id}', {
    params: { path: { provider_id: 'box' } },
  });
  expect(removed.response.status).toBe(204);
  const gone = await admin.GET('/v1/admin/providers/{provider_id}', {
    params: { path: { provider_id: 'box' } },
  });
  expect(gone.response.status).toBe(404);
  expect(gone.error?.code).toBe('provider_not_found');

  // A service client.
  const registered = await admin.POST('/v1/admin/clients', {
    body: {
      name: 'typed client',
      grants,
    },
  });
  expect(registered.response.status).toBe(201);
  const clientId = registered.data?.client_id ?? '';
  const secret = registered.data?.client_secret ?? '';

  // Client authentication, both ways, and a refusal in RFC 6749's language.
  const anonymous = createClient<paths>({ baseUrl: baseUrl });
  const posted = await anonymous.POST('/oauth/token', {
    body: { grant_type: 'client_credentials', client_id: clientId, client_secret: secret },
    bodySerializer: form,
    headers: formHeaders,
  });
  expect(posted.response.status).toBe(200);
  expect(posted.data?.token_type).toBe('Bearer');
  const basic = Buffer.from(`${encodeURIComponent(clientId)}:${encodeURIComponent(secret)}`).toString(
    'base64',
  );
  const viaBasic = await anonymous.POST('/oauth/token', {
    body: { grant_type: 'client_credentials' },
    bodySerializer: form,
    headers: { ...formHeaders, authorization: `Basic ${basic}` },
  });
  expect(viaBasic.response.status).toBe(200);
  const refused = await anonymous.POST('/oauth/token', {
    body: { grant_type: 'client_credentials', client_id: clientId, client_secret: 'wrong' },
    bodySerializer: form,
    headers: formHeaders,
  });
  expect(refused.response.status).toBe(401);
  expect((refused.error as OAuthError | undefined)?.error).toBe('invalid_client');

  const service = createClient<paths>({
    baseUrl: baseUrl,
    headers: { authorization: `Bearer ${viaBasic.data?.access_token ?? ''}` },
  });

  // A connect session.
  const session = await service.POST('/v1/connect-sessions', {
    body: {
      provider: 'dropbox',
      tenant: 'acme',
      end_user: 'user-1',
      return_to: 'https://app.example.test/done',
    },
  });
  expect(session.response.status).toBe(201);
  expect(session.data?.connect_url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/connect\//);
  const status = await service.GET('/v1/connect-sessions/{id}', {
    params: { path: { id: session.data?.id ?? '' } },
  });
  expect(status.data?.status).toBe('pending');
  const wrongProvider = await service.POST('/v1/connect-sessions', {
    body: { provider: 'box', tenant: 'acme', end_user: 'user-1' },
  });
  expect(wrongProvider.error?.code).toBe('provider_not_found');

  // Connections: none yet; a hand-out of a missing one.
  const connections = await service.GET('/v1/connections', { params: { query: { tenant: 'acme' } } });
  expect(connections.data).toEqual({ data: [], next_cursor: null });
  const handOut = await service.POST('/v1/connections/{id}/access-token', {
    params: { path: { id: 'missing' } },
    body: { force_refresh: false },
  });
  expect(handOut.response.status).toBe(404);
  expect(handOut.error?.code).toBe('connection_not_found');

  // Audit events of what happened above (written within a moment: read until all five are there).
  let actions: string[] = [];
  for (let attempt = 0; attempt < 40 && actions.length < 5; attempt++) {
    if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, 50));
    const events = await admin.GET('/v1/admin/audit-events', {
      params: { query: { action: 'provider.*', limit: 50 } },
    });
    expect(events.response.status).toBe(200);
    actions = (events.data?.data ?? []).map((e) => `${e.action} ${e.target.id} ${e.outcome}`);
  }
  // The refused create names no target: it has no id yet.
  expect(actions.sort()).toEqual([
    'provider.create - failure',
    'provider.create box success',
    'provider.create dropbox success',
    'provider.delete box success',
    'provider.update dropbox success',
  ]);
}
