import { stringify } from 'yaml';

/**
 * Writes JSON-shaped data as YAML, with the `yaml` package. Shared objects
 * are written out again rather than as anchors and aliases, which some
 * OpenAPI tools do not follow, and lines are never folded.
 */
export function toYaml(value: unknown): string {
  return stringify(value, { aliasDuplicateObjects: false, lineWidth: 0 });
}
