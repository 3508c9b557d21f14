import type { GrantDeadError } from '../providers/definition.js';

/**
 * Some providers name a token error in a member other than OAuth's `error`
 * (HubSpot: HTTP 400 with `{"status": "BAD_REFRESH_TOKEN", "message": ...}`).
 * The refresh classifier can match such a code only if it is read. Only the
 * members the provider's settings name are read, and a value is kept only
 * when it is one of the codes listed for its member: what comes out is the
 * admin's own words, never the provider's text (a message, an echoed token).
 */

/** The codes the provider's dead-grant list looks for in each member besides `error`. */
export type WantedMemberCodes = Readonly<Record<string, readonly string[]>>;

export function wantedMemberCodes(listed: readonly GrantDeadError[]): WantedMemberCodes {
  const wanted: Record<string, string[]> = {};
  for (const entry of listed) {
    const member = entry.field ?? 'error';
    if (member === 'error') continue;
    if (!Object.hasOwn(wanted, member)) wanted[member] = [];
    wanted[member]!.push(entry.error);
  }
  return wanted;
}

/** The wanted codes a JSON error answer carries in its top-level members. */
export function memberCodesOf(body: unknown, wanted: WantedMemberCodes): Record<string, string> {
  const codes: Record<string, string> = {};
  if (!body || typeof body !== 'object' || Array.isArray(body)) return codes;
  for (const [member, listed] of Object.entries(wanted)) {
    if (!Object.hasOwn(body, member)) continue;
    const value = (body as Record<string, unknown>)[member];
    if (typeof value === 'string' && listed.includes(value)) codes[member] = value;
  }
  return codes;
}

/** The JSON of an error answer, or undefined; the response itself is left unread. */
export async function readErrorBody(response: Response): Promise<unknown> {
  try {
    return await response.clone().json();
  } catch {
    return undefined;
  }
}
