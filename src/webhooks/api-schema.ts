import { z } from 'zod';
import { eventTypes } from './events.js';

const description = z
  .string()
  .max(500)
  // biome-ignore lint/suspicious/noControlCharactersInRegex: rejecting control characters is the point
  .regex(/^[^\u0000-\u001f\u007f]*$/, 'must not contain control characters');
const events = z
  .array(z.enum(eventTypes))
  .min(1)
  .max(eventTypes.length)
  .nullable()
  .describe('event types to receive; null or absent for every type');
const url = z.string().min(1).max(2048).describe('https (http only on loopback, in development)');

export const endpointCreateSchema = z
  .strictObject({
    url,
    client_id: z
      .string()
      .max(64)
      .nullable()
      .optional()
      .describe("only events inside this service client's tenants and providers"),
    events: events.optional(),
    description: description.nullable().optional(),
  })
  .meta({ id: 'WebhookEndpointCreate' });

export const endpointPatchSchema = z
  .strictObject({
    url: url.optional(),
    events: events.optional(),
    description: description.nullable().optional(),
    is_enabled: z.boolean().optional(),
  })
  .meta({ id: 'WebhookEndpointPatch' });

export const endpointSchema = z
  .object({
    id: z.string(),
    url: z.string(),
    client_id: z.string().nullable(),
    events: z.array(z.string()).nullable(),
    description: z.string().nullable(),
    is_enabled: z.boolean(),
    disabled_reason: z
      .enum(['gone', 'failing'])
      .nullable()
      .describe('why the broker disabled it: `gone` (answered 410), `failing` (no success for 3 days)'),
    failing_since: z.iso.datetime().nullable().describe('first failed attempt since the last success'),
    previous_secret_expires_at: z.iso
      .datetime()
      .nullable()
      .describe('until then, deliveries are also signed with the secret before the last rotation'),
    created_at: z.iso.datetime(),
    updated_at: z.iso.datetime(),
  })
  .meta({ id: 'WebhookEndpoint' });

export const endpointWithSecretSchema = endpointSchema
  .extend({ secret: z.string().describe('`whsec_…`, shown this once; store it now') })
  .meta({ id: 'WebhookEndpointWithSecret' });

const attemptSchema = z.object({
  at: z.iso.datetime(),
  status_code: z.number().int().nullable(),
  error_code: z
    .string()
    .nullable()
    .describe('when no HTTP answer came: upstream_timeout, upstream_unreachable, …'),
  duration_ms: z.number().int(),
  response_excerpt: z.string().nullable().describe('the first 200 characters of the answer'),
});

export const deliverySchema = z
  .object({
    id: z.string(),
    endpoint_id: z.string(),
    event_id: z.string().describe('the `webhook-id` header, the same on every attempt'),
    event_type: z.string(),
    status: z.enum(['pending', 'succeeded', 'failed']),
    attempts: z.array(attemptSchema),
    next_attempt_at: z.iso.datetime().nullable(),
    created_at: z.iso.datetime(),
  })
  .meta({ id: 'WebhookDelivery' });

export const deliveryQuerySchema = z.strictObject({
  limit: z.coerce.number().int().min(1).max(200).default(50).describe('page size, 1 to 200'),
  cursor: z.string().max(512).optional().describe('`next_cursor` from the previous page'),
  status: z.enum(['pending', 'succeeded', 'failed']).optional(),
  event_type: z.enum(eventTypes).optional(),
});
