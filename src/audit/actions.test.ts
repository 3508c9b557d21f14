import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../test-support/app.js';
import { BROKER_ACTIONS, isAuditedRoute, routeAction } from './actions.js';
import { auditEventSchema } from './routes.js';

/** The API's description of an audit event's `action` names only actions the broker records. */

describe('audit actions', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  it('names routes’ actions from their operations', () => {
    expect(routeAction('createProvider')).toBe('provider.create');
    expect(routeAction('createClientSecret')).toBe('client_secret.create');
    expect(routeAction('rotateWebhookEndpointSecret')).toBe('webhook_endpoint_secret.rotate');
  });

  it('describes only actions that exist: an audited route’s or one of the broker’s own', () => {
    const fromRoutes = new Set<string>(
      t.routes.filter(isAuditedRoute).map((r) => routeAction(r.operationId)),
    );
    const description = auditEventSchema.shape.action.description ?? '';
    const named = [...description.matchAll(/`([a-z_]+\.[a-z_]+)`/g)].map((m) => m[1] ?? '');
    expect(named.length).toBeGreaterThan(BROKER_ACTIONS.length);
    for (const action of named) {
      expect(fromRoutes.has(action) || (BROKER_ACTIONS as readonly string[]).includes(action), action).toBe(
        true,
      );
    }
    for (const action of BROKER_ACTIONS) expect(named).toContain(action);
    // A broker action never collides with a route's, so a filter on one cannot match the other.
    for (const action of BROKER_ACTIONS) expect(fromRoutes.has(action)).toBe(false);
  });
});
