import type { z } from 'zod';
import { type Random, randomId, randomToken } from '../crypto/random.js';
import { AppError } from '../http/errors.js';
import type {
  clientCreateSchema,
  clientPatchSchema,
  clientSchema,
  secretCreateSchema,
} from './api-schema.js';
import type { SecretHasher } from './secret-hasher.js';
import type { ClientRecord, ClientStore, SecretRecord } from './store.js';

export interface ClientRegistryDeps {
  clients: ClientStore;
  hasher: SecretHasher;
  random: Random;
  now: () => number;
  /** Drops what this replica cached about a client, so a change applies here at once. */
  forget: (clientId: string) => void;
}

const iso = (ms: number) => new Date(ms).toISOString();

/** Service registrations: a secret of 256 random bits, shown once, stored as a keyed hash. */
export function createClientRegistry(deps: ClientRegistryDeps) {
  const { clients, hasher, random, now } = deps;

  const mustGet = async (id: string) => {
    const client = await clients.get(id);
    if (!client) throw new AppError('client_not_found', 'no such client');
    return client;
  };

  async function newSecret(clientId: string, expiresInSeconds?: number) {
    const secret = `cs_${randomToken(random)}`;
    const time = now();
    const record: SecretRecord = {
      id: randomId(random, 'sec'),
      client_id: clientId,
      hash: await hasher.hash(secret),
      created_at: time,
      expires_at: expiresInSeconds === undefined ? null : time + expiresInSeconds * 1000,
    };
    await clients.addSecret(record);
    return { secret, record };
  }

  async function view(client: ClientRecord): Promise<z.input<typeof clientSchema>> {
    const secrets = await clients.secrets(client.client_id);
    return {
      ...client,
      secrets: secrets.map((s) => ({
        id: s.id,
        created_at: iso(s.created_at),
        expires_at: s.expires_at === null ? null : iso(s.expires_at),
      })),
      created_at: iso(client.created_at),
      updated_at: iso(client.updated_at),
    };
  }

  return {
    get: mustGet,
    list: clients.list,
    view,

    async create(input: z.output<typeof clientCreateSchema>) {
      const time = now();
      const client: ClientRecord = {
        client_id: randomId(random, 'svc'),
        name: input.name,
        is_enabled: input.is_enabled,
        grants: input.grants,
        created_at: time,
        updated_at: time,
      };
      await clients.insert(client);
      const { secret, record } = await newSecret(client.client_id);
      return { client, secret, secretId: record.id };
    },

    async patch(id: string, input: z.output<typeof clientPatchSchema>) {
      const client = await mustGet(id);
      const next: ClientRecord = {
        ...client,
        name: input.name ?? client.name,
        grants: input.grants ?? client.grants,
        is_enabled: input.is_enabled ?? client.is_enabled,
        updated_at: now(),
      };
      if (!(await clients.update(next))) throw new AppError('client_not_found', 'no such client');
      deps.forget(id);
      return next;
    },

    async delete(id: string) {
      if (!(await clients.delete(id))) throw new AppError('client_not_found', 'no such client');
      deps.forget(id);
    },

    /** Rotation with overlap: the other secrets keep working until they expire or are deleted. */
    async addSecret(id: string, input: z.output<typeof secretCreateSchema>) {
      await mustGet(id);
      const existing = await clients.secrets(id);
      const created = await newSecret(id, input.expires_in_seconds);
      if (input.retire_others_in_seconds !== undefined) {
        const at = now() + input.retire_others_in_seconds * 1000;
        for (const other of existing) {
          if (other.expires_at === null || other.expires_at > at)
            await clients.expireSecret(id, other.id, at);
        }
      }
      return created;
    },

    async deleteSecret(id: string, secretId: string) {
      if (!(await clients.deleteSecret(id, secretId))) {
        throw new AppError('client_not_found', 'no such client secret');
      }
    },
  };
}

export type ClientRegistry = ReturnType<typeof createClientRegistry>;
