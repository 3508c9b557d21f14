import { freePort, type RunningProcess, startProcess } from './broker.js';
import { repoRoot } from './modules.js';

/**
 * The refresh parts' provider: bench/fake-provider.ts in its own process on
 * 127.0.0.1 (a token endpoint answering every refresh at once with a
 * one-hour token, counting the grants), and its registration, as provider
 * `fake`, in a broker built in the bench's process.
 */

export interface FakeGrants {
  total: number;
  distinct: number;
  duplicated: number;
  most: number;
  refused: number;
}

export async function startFakeProvider(
  label: string,
): Promise<RunningProcess & { grants(): Promise<FakeGrants> }> {
  const port = await freePort();
  const fake = await startProcess({
    label,
    args: [`${repoRoot}/node_modules/.cache/custodian-bench/bench/fake-provider.js`],
    env: { FAKE_PORT: String(port) },
    port,
    readyPath: '/healthz',
  });
  return { ...fake, grants: async () => (await (await fetch(`${fake.url}/stats`)).json()) as FakeGrants };
}

/** Registers the fake as provider `fake` through the admin API: the broker's defaults for all it does not say. */
export async function registerFakeProvider(
  app: { request(path: string, init: RequestInit): Response | Promise<Response> },
  adminToken: string,
  fakeUrl: string,
): Promise<void> {
  const created = await app.request('/v1/admin/providers', {
    method: 'POST',
    headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      provider_id: 'fake',
      display_name: 'Fake provider',
      client_id: 'bench-client',
      client_secret: 'bench-secret',
      authorization_url: `${fakeUrl}/authorize`,
      token_url: `${fakeUrl}/token`,
      userinfo: { user_id: ['/id'] },
    }),
  });
  if (created.status !== 201) throw new Error(`provider: HTTP ${created.status} ${await created.text()}`);
}
