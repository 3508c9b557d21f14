import { type Action, type Grants, returnToAllowed } from '../clients/grants.js';

/**
 * Who is calling a service route and what its grants let it do. Built once
 * per request from a verified service token; every service route asks it,
 * never the grants directly.
 */
export interface Caller {
  id: string;
  can(action: Action): boolean;
  /** Outside its tenants, a thing does not exist for the caller: 404, never 403. */
  seesTenant(tenant: string): boolean;
  seesProvider(providerId: string): boolean;
  mayReturnTo(url: string): boolean;
  mayRedirectTo(uri: string): boolean;
  /** For list filters. */
  tenants: '*' | readonly string[];
  providers: '*' | readonly string[];
}

export function serviceCaller(clientId: string, grants: Grants): Caller {
  const tenants = grants.tenants === '*' ? null : new Set(grants.tenants);
  const providers = grants.providers === '*' ? null : new Set(grants.providers);
  const allowedActions = new Set(grants.actions);
  return {
    id: clientId,
    can: (action) => allowedActions.has(action),
    seesTenant: (tenant) => tenants === null || tenants.has(tenant),
    seesProvider: (providerId) => providers === null || providers.has(providerId),
    mayReturnTo: (url) => returnToAllowed(grants, url),
    mayRedirectTo: (uri) => grants.redirect_uris.includes(uri),
    tenants: grants.tenants,
    providers: grants.providers,
  };
}
