import type { RouteDefinition } from '../http/router.js';

/**
 * Every audit action, in one place. A changing admin or service route records
 * one named from its operation (`createProvider` is `provider.create`); the
 * rest are recorded by the broker's own code and must be listed here (the
 * type refuses any other literal), so the API's description of `action`
 * cannot name actions that do not exist.
 */
export const BROKER_ACTIONS = [
  'connection.token_issued',
  'connection.refreshed',
  'service_token.issued',
  'service_token.revoked',
  'webhook_endpoint.disabled',
] as const;

export type BrokerAction = (typeof BROKER_ACTIONS)[number];
/** An action named from a route's operation; only `routeAction` makes one. */
export type RouteAction = string & { readonly fromRoute: unique symbol };
export type AuditAction = BrokerAction | RouteAction;

/** `createProvider` → `provider.create`, `createClientSecret` → `client_secret.create`. */
export function routeAction(operationId: string): RouteAction {
  const [, verb = 'change', noun = 'resource'] = /^([a-z]+)([A-Z].*)?$/.exec(operationId) ?? [];
  return `${targetType(noun)}.${verb}` as RouteAction;
}

/** The target type of a route's action: `ConnectSession` → `connect_session`. */
function targetType(noun: string): string {
  return noun.replace(/([a-z])([A-Z])/g, '$1_$2').toLowerCase();
}

/** Whether a route records its own change: GETs change nothing, `client` routes audit themselves. */
export function isAuditedRoute(definition: RouteDefinition): boolean {
  return (
    definition.method !== 'get' &&
    (definition.auth === 'admin' || definition.auth === 'service') &&
    !definition.auditsItself
  );
}
