import { z } from 'zod';
import { answeredTemplateFields, optionalTemplateFields, printable } from './definition.js';

/**
 * The admin API's provider shapes, derived from the template in
 * definition.ts. Inside the broker these become `ProviderRecord`.
 */

export const providerIdSchema = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{1,62}$/, 'a lowercase slug: letters, digits and dashes, 2 to 63 characters');

/** What a provider has besides its template: the admin's credentials and switch. */
const credentialFields = {
  is_enabled: z.boolean(),
  client_id: printable(512),
  client_secret: printable(2048).describe('write-only: stored encrypted, never returned'),
};

/** Every field optional, so a preset or the stored row supplies the rest. */
const optionalFields = {
  is_enabled: credentialFields.is_enabled.optional(),
  client_id: credentialFields.client_id.optional(),
  client_secret: credentialFields.client_secret.optional(),
  ...optionalTemplateFields,
};

export const providerCreateSchema = z
  .strictObject({
    provider_id: providerIdSchema.optional().describe("defaults to the preset's id"),
    preset: z
      .string()
      .max(64)
      .optional()
      .describe('fill everything but the client credentials from a preset'),
    ...optionalFields,
  })
  .meta({ id: 'ProviderCreate' });

export const providerReplaceSchema = z
  .strictObject({
    preset: z.string().max(64).optional(),
    ...optionalFields,
  })
  .meta({ id: 'ProviderReplace' });

export const providerPatchSchema = z.strictObject(optionalFields).meta({ id: 'ProviderPatch' });

export type ProviderCreate = z.output<typeof providerCreateSchema>;
export type ProviderReplace = z.output<typeof providerReplaceSchema>;
export type ProviderPatch = z.output<typeof providerPatchSchema>;

export const providerSchema = z
  .strictObject({
    provider_id: providerIdSchema,
    preset: z.string().nullable(),
    is_enabled: credentialFields.is_enabled,
    client_id: credentialFields.client_id,
    ...answeredTemplateFields,
    client_secret_set: z
      .boolean()
      .describe('whether a client secret is stored; the secret itself is never returned'),
    redirect_uri: z.string().describe('register this exact callback URL at the provider'),
    created_at: z.iso.datetime(),
    updated_at: z.iso.datetime(),
  })
  .meta({ id: 'Provider' });

export type ProviderView = z.input<typeof providerSchema>;

/** The catalog's answer: a preset's template with what the catalog says about it. */
export const presetSchema = z
  .object({
    id: z.string(),
    description: z.string(),
    docs_url: z.string(),
    ...providerSchema.pick(
      Object.fromEntries(Object.keys(answeredTemplateFields).map((key) => [key, true])) as {
        [K in keyof typeof answeredTemplateFields]: true;
      },
    ).shape,
  })
  .meta({ id: 'ProviderPreset' });
