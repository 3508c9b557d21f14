import type { Random } from '../crypto/random.js';
import type { Database } from '../db/open.js';
import type { Transact, Tx } from '../db/transaction.js';
import { endpointsFor } from './audience.js';
import { type ConnectionEvent, eventBody } from './events.js';
import { newDeliveryId, newEventId } from './ids.js';

/**
 * The transactional outbox. A store that changes a connection runs the
 * change and `record` in one `transact`: the deliveries (one row per
 * endpoint that should hear of it) commit with the change or not at all.
 * The sender picks them up from the table; `transact` only nudges the
 * local sender after a commit so it need not wait for its next poll.
 */
export interface Outbox {
  transact: Transact;
  record(tx: Tx, event: ConnectionEvent): Promise<void>;
}

export function createOutbox(deps: {
  database: Database;
  transact: Transact;
  now: () => number;
  random: Random;
}): Outbox & { onCommit(listener: () => void): void } {
  const listeners: Array<() => void> = [];
  const d = deps.database.tables.webhookDeliveries;
  return {
    async transact(work) {
      const result = await deps.transact(work);
      for (const listener of listeners) listener();
      return result;
    },

    async record(tx, event) {
      const endpoints = await endpointsFor(tx, deps.database.tables, event);
      if (endpoints.length === 0) return;
      const now = deps.now();
      const body = eventBody(event, now);
      const eventId = newEventId(deps.random);
      await tx.insert(d).values(
        endpoints.map((endpointId) => ({
          id: newDeliveryId(deps.random, now),
          endpointId,
          eventId,
          eventType: event.type,
          payload: body,
          status: 'pending',
          attempts: '[]',
          nextAttemptAt: now,
          createdAt: now,
          updatedAt: now,
        })),
      );
    },

    onCommit(listener) {
      listeners.push(listener);
    },
  };
}

/** For stores built without webhooks (unit tests of other parts): the work runs alone, nothing is recorded. */
export function noOutbox(database: Database): Outbox {
  return { transact: (work) => work(database.db), record: async () => {} };
}
