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
