import type { ProviderTemplate } from '../providers/model.js';

/**
 * Providers' token answers, made conform before oauth4webapi reads them. Each
 * quirk handled here is one a real provider has: an error sent with status
 * 200 (GitHub, when the provider says so), no `token_type`, a `token_type`
 * that names what the token is for rather than how it is presented (Slack's
 * `bot` and `user`, used as Bearer tokens), and an ID token, which is always
 * taken out of the answer: oauth4webapi would check it against rules of its
 * own, and a multi-tenant provider's issuer cannot be named in advance. A
 * provider whose account is read from the ID token gets it through
 * `onIdToken` and checks it itself (id-token.ts); nothing else keeps it.
 */
export async function normaliseTokenResponse(
  provider: Pick<ProviderTemplate, 'token_errors_with_200'>,
  response: Response,
  onIdToken?: (idToken: string) => void,
): Promise<Response> {
  if (!isJson(response)) return response;
  let body: unknown;
  try {
    body = await response.clone().json();
  } catch {
    return response;
  }
  if (!body || typeof body !== 'object' || Array.isArray(body)) return response;
  const json = { ...(body as Record<string, unknown>) };
  let status = response.status;
  if (status === 200 && typeof json.error === 'string' && json.access_token === undefined) {
    if (!provider.token_errors_with_200) return response;
    status = 400;
  }
  if (
    typeof json.access_token === 'string' &&
    (json.token_type === undefined || isBearerAlias(json.token_type))
  ) {
    json.token_type = 'Bearer';
  }
  if (typeof json.id_token === 'string') onIdToken?.(json.id_token);
  delete json.id_token;
  const headers = new Headers(response.headers);
  headers.delete('content-length');
  return new Response(JSON.stringify(json), { status, statusText: response.statusText, headers });
}

// Slack names its token types for whom the token acts (`bot`, `user`); both are sent as Bearer tokens.
// oauth4webapi refuses any type it cannot present, which stays right for a real scheme such as `mac`.
const bearerAliases = ['bot', 'user'];

function isBearerAlias(tokenType: unknown): boolean {
  return typeof tokenType === 'string' && bearerAliases.includes(tokenType.toLowerCase());
}

function isJson(response: Response): boolean {
  const type = response.headers.get('content-type')?.split(';')[0]?.trim().toLowerCase() ?? '';
  return type === 'application/json' || type.endsWith('+json');
}
