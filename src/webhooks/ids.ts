import { encodeBase64urlNoPadding } from '@oslojs/encoding';
import type { Random } from '../crypto/random.js';

/** A `webhook-id`: one per event, the same for every endpoint and every attempt. */
export const newEventId = (random: Random) => `msg_${encodeBase64urlNoPadding(random(16))}`;

/**
 * Delivery ids sort by creation time (fixed-width base-36 milliseconds, then
 * 80 random bits), so "newest first" is a plain `id desc` and the cursor is the id.
 */
export const newDeliveryId = (random: Random, now: number) =>
  `dlv_${now.toString(36).padStart(9, '0')}${encodeBase64urlNoPadding(random(10))}`;
