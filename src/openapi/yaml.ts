/**
 * Writes JSON-shaped data as block YAML. Every string value is emitted as a
 * JSON string, which YAML 1.2 reads as a double-quoted scalar, so no value
 * can be misread as a number, a boolean or a YAML tag.
 */
export function toYaml(value: unknown): string {
  return `${emit(value, 0).replace(/^\n/, '')}\n`;
}

// Keys that no YAML reader can take for anything but a string go unquoted, for readability.
const plainKey = /^[A-Za-z_/$][A-Za-z0-9_$./{}+-]*$/;
const reserved = /^(true|false|null|yes|no|on|off|y|n)$/i;
const emitKey = (key: string) => (plainKey.test(key) && !reserved.test(key) ? key : JSON.stringify(key));

function emit(value: unknown, indent: number): string {
  const pad = '  '.repeat(indent);
  if (Array.isArray(value)) {
    if (value.length === 0) return ' []';
    return value
      .map((item) => {
        const inner = emit(item, indent + 1);
        return inner.startsWith('\n') ? `\n${pad}-${inner.replace(/^\n\s*/, ' ')}` : `\n${pad}-${inner}`;
      })
      .join('');
  }
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value).filter(([, v]) => v !== undefined);
    if (entries.length === 0) return ' {}';
    return entries.map(([key, v]) => `\n${pad}${emitKey(key)}:${emit(v, indent + 1)}`).join('');
  }
  return ` ${JSON.stringify(value ?? null)}`;
}
