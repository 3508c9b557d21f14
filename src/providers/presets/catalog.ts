import type { Preset } from '../model.js';
import { atlassian } from './atlassian.js';
import { box } from './box.js';
import { dropbox } from './dropbox.js';
import { github } from './github.js';
import { gitlab } from './gitlab.js';
import { google } from './google.js';
import { linear } from './linear.js';
import { microsoft } from './microsoft.js';
import { salesforce } from './salesforce.js';
import { spotify } from './spotify.js';
import { xero } from './xero.js';
import { zoom } from './zoom.js';

/*
 * Left out on purpose:
 * - slack: the user flow (oauth.v2.access) nests the user token under
 *   `authed_user` instead of answering a standard token response, and Sign in
 *   with Slack (OIDC) gives tokens for identity only.
 * - notion: every API call, userinfo included, needs a `Notion-Version`
 *   header, which a preset cannot set.
 * - hubspot: no bearer userinfo; token details come from
 *   /oauth/v1/access-tokens/{token}, with the token in the URL path.
 */

/** Every preset, sorted by id. */
export const presets: readonly Preset[] = Object.freeze(
  [atlassian, box, dropbox, github, gitlab, google, linear, microsoft, salesforce, spotify, xero, zoom].sort(
    (a, b) => (a.id < b.id ? -1 : 1),
  ),
);

const byId = new Map(presets.map((preset) => [preset.id, preset]));

/** A copy of the preset, so callers cannot change the catalog. */
export function findPreset(id: string): Preset | undefined {
  const preset = byId.get(id);
  return preset && structuredClone(preset);
}
