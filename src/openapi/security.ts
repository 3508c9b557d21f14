import type { AuthKind } from '../http/router.js';

/** The credentials the API takes, as OpenAPI security schemes. */
export const securitySchemes = {
  adminToken: {
    type: 'http',
    scheme: 'bearer',
    description: 'The admin credential (`CUSTODIAN_ADMIN_TOKEN`), as `Authorization: Bearer …`.',
  },
  metricsToken: {
    type: 'http',
    scheme: 'bearer',
    description:
      'The metrics scraper’s credential (`CUSTODIAN_METRICS_TOKEN`), as `Authorization: Bearer …`: ' +
      'taken by `GET /metrics` only, so a scraper need not hold the admin credential.',
  },
  serviceToken: {
    type: 'oauth2',
    description:
      'A service token: a JWT the broker issues at `/oauth/token` to a registered client (client ' +
      'credentials grant, valid 5 minutes), sent as `Authorization: Bearer …`.',
    flows: { clientCredentials: { tokenUrl: '/oauth/token', scopes: {} } },
  },
  clientBasic: {
    type: 'http',
    scheme: 'basic',
    description:
      'client_secret_basic (RFC 6749 §2.3.1): the client id and secret, each form-urlencoded, as HTTP ' +
      'Basic credentials. The alternative, client_secret_post, sends `client_id` and `client_secret` in ' +
      'the form body instead (OpenAPI has no scheme for form credentials); never both.',
  },
} as const;

export type SecuritySchemeName = keyof typeof securitySchemes;

/**
 * What a route requires: its kind's credential, or any of `alsoAccepted`
 * (alternatives: one requirement each); `[]` marks a public operation.
 */
export function securityOf(
  auth: AuthKind,
  alsoAccepted: readonly SecuritySchemeName[] = [],
): Record<string, string[]>[] {
  return [...securityOfKind(auth), ...alsoAccepted.map((name) => ({ [name]: [] }))];
}

function securityOfKind(auth: AuthKind): Record<string, string[]>[] {
  switch (auth) {
    case 'admin':
      return [{ adminToken: [] }];
    case 'service':
      return [{ serviceToken: [] }];
    case 'client':
      // Basic, or (the empty requirement) credentials in the form body.
      return [{ clientBasic: [] }, {}];
    case 'none':
      return [];
  }
}
