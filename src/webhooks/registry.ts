import type { ClientStore } from '../clients/store.js';
import { type Random, randomId } from '../crypto/random.js';
import { AppError, invalidRequest, notFound } from '../http/errors.js';
import type { UrlVerdict } from '../providers/url-safety.js';
import type { Vault } from '../vault/vault.js';
import type { DeliveryStore } from './delivery-store.js';
import type { EndpointRecord, EndpointStore } from './endpoint-store.js';
import { eventBody } from './events.js';
import { newDeliveryId, newEventId } from './ids.js';
import { secretLocation } from './secrets.js';
import { newWebhookSecret } from './signing.js';

/** How long the secret before a rotation keeps signing beside the new one. */
export const ROTATION_OVERLAP_MS = 24 * 3_600_000;

export interface EndpointInput {
  url: string;
  client_id?: string | null;
  events?: string[] | null;
  description?: string | null;
}

/** The admin operations on webhook endpoints: checks, vault, and the stores. */
export function createWebhookRegistry(deps: {
  endpoints: EndpointStore;
  deliveries: DeliveryStore;
  clients: Pick<ClientStore, 'get'>;
  vault: Vault;
  random: Random;
  now: () => number;
  checkUrl: (url: string) => Promise<UrlVerdict>;
  /** Nudges the local sender (a test event, a retry). */
  wake: () => void;
}) {
  const get = async (id: string) => {
    const endpoint = await deps.endpoints.get(id);
    if (!endpoint) throw notFound('webhook_endpoint_not_found', 'no such webhook endpoint');
    return endpoint;
  };
  const checkUrl = async (url: string) => {
    const verdict = await deps.checkUrl(url);
    if (!verdict.ok)
      throw new AppError('url_not_allowed', `webhook URL not allowed: ${verdict.reason}`, {
        issues: [{ pointer: '/url', message: verdict.reason }],
      });
  };
  const checkClient = async (clientId: string) => {
    if (!(await deps.clients.get(clientId)))
      throw invalidRequest('no such service client', [{ pointer: '/client_id', message: 'unknown client' }]);
  };
  const queue = async (endpoint: EndpointRecord, type: 'webhook.test') => {
    const now = deps.now();
    const id = newDeliveryId(deps.random, now);
    const payload = eventBody(
      {
        type,
        subject: {
          connection_id: null,
          tenant: '',
          end_user: '',
          provider_id: '',
          account: null,
          status: 'test',
        },
      },
      now,
    );
    await deps.deliveries.insert({
      id,
      endpoint_id: endpoint.id,
      event_id: newEventId(deps.random),
      event_type: type,
      payload,
      next_attempt_at: now,
      created_at: now,
    });
    deps.wake();
    return (await deps.deliveries.get(endpoint.id, id))!;
  };

  return {
    get,
    list: (page: { limit: number; after?: string }) => deps.endpoints.list(page),

    async create(input: EndpointInput) {
      await checkUrl(input.url);
      if (input.client_id) await checkClient(input.client_id);
      const id = randomId(deps.random, 'whe');
      const secret = newWebhookSecret(deps.random);
      const now = deps.now();
      await deps.endpoints.insert({
        id,
        url: input.url,
        client_id: input.client_id ?? null,
        events: input.events ?? null,
        description: input.description ?? null,
        is_enabled: true,
        disabled_reason: null,
        secret_ciphertext: deps.vault.encrypt(secret, secretLocation(id, 'secret')),
        created_at: now,
        updated_at: now,
      });
      return { endpoint: await get(id), secret };
    },

    async patch(
      id: string,
      change: Omit<EndpointInput, 'url' | 'client_id'> & { url?: string; is_enabled?: boolean },
    ) {
      await get(id);
      if (change.url !== undefined) await checkUrl(change.url);
      const updated = await deps.endpoints.update(
        id,
        {
          ...change,
          // An admin's enable starts afresh: no reason, no failure run.
          ...(change.is_enabled === undefined ? {} : { disabled_reason: null }),
          ...(change.is_enabled === true ? { failing_since: null } : {}),
        },
        deps.now(),
      );
      if (!updated) throw notFound('webhook_endpoint_not_found', 'no such webhook endpoint');
      return updated;
    },

    async delete(id: string) {
      if (!(await deps.endpoints.delete(id)))
        throw notFound('webhook_endpoint_not_found', 'no such webhook endpoint');
      await deps.deliveries.deleteForEndpoint(id);
    },

    /** A new secret; the current one moves aside and keeps signing for `ROTATION_OVERLAP_MS`. */
    async rotateSecret(id: string) {
      const endpoint = await get(id);
      const current = deps.vault.decrypt(endpoint.secret_ciphertext, secretLocation(id, 'secret'));
      const secret = newWebhookSecret(deps.random);
      const now = deps.now();
      const rotated = await deps.endpoints.rotateSecret(
        id,
        deps.vault.encrypt(secret, secretLocation(id, 'secret')),
        deps.vault.encrypt(current, secretLocation(id, 'previous_secret')),
        now + ROTATION_OVERLAP_MS,
        now,
      );
      if (!rotated) throw notFound('webhook_endpoint_not_found', 'no such webhook endpoint');
      return { endpoint: rotated, secret };
    },

    async sendTest(id: string) {
      const endpoint = await get(id);
      if (!endpoint.is_enabled) throw new AppError('conflict', 'the endpoint is disabled');
      return queue(endpoint, 'webhook.test');
    },

    async deliveries(
      id: string,
      filter: { status?: 'pending' | 'succeeded' | 'failed'; event_type?: string },
      page: { limit: number; before?: string },
    ) {
      await get(id);
      return deps.deliveries.list(id, filter, page);
    },

    async retry(id: string, deliveryId: string) {
      const endpoint = await get(id);
      if (!endpoint.is_enabled) throw new AppError('conflict', 'the endpoint is disabled');
      const delivery = await deps.deliveries.retryNow(id, deliveryId, deps.now());
      if (!delivery) throw notFound('webhook_delivery_not_found', 'no such delivery');
      deps.wake();
      return delivery;
    },
  };
}

export type WebhookRegistry = ReturnType<typeof createWebhookRegistry>;
