import { type TemplateDifferences, templateSchema } from '../definition.js';
import type { Preset, PresetInfo } from '../model.js';

/**
 * A preset from what differs from a custom provider's defaults. The template
 * goes through the same schema as the admin API's, so a preset the admin API
 * would refuse (a reserved parameter, a bad pointer, a typo in a field name)
 * fails when the catalog loads instead of when an admin picks it.
 */
export function definePreset({
  id,
  description,
  docs_url,
  ...differences
}: PresetInfo & TemplateDifferences): Preset {
  return { id, description, docs_url, ...templateSchema.parse(differences) };
}

export const DAY = 86_400;

/** A lowercase DNS name of two labels or more, no port: the pattern of a `{domain}` or `{host}` parameter. */
export const DNS_NAME_PATTERN = '(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\\.)+[a-z]{2,63}';
