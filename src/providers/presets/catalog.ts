import type { Preset } from '../model.js';
import { asana } from './asana.js';
import { atlassian } from './atlassian.js';
import { auth0 } from './auth0.js';
import { box } from './box.js';
import { calendly } from './calendly.js';
import { discord } from './discord.js';
import { dropbox } from './dropbox.js';
import { github } from './github.js';
import { gitlab } from './gitlab.js';
import { google } from './google.js';
import { hubspot } from './hubspot.js';
import { intercom } from './intercom.js';
import { keycloak } from './keycloak.js';
import { linear } from './linear.js';
import { microsoft } from './microsoft.js';
import { notion } from './notion.js';
import { okta } from './okta.js';
import { pipedrive } from './pipedrive.js';
import { quickbooks } from './quickbooks.js';
import { salesforce, salesforceSandbox } from './salesforce.js';
import { shopify } from './shopify.js';
import { slack } from './slack.js';
import { spotify } from './spotify.js';
import { xero } from './xero.js';
import { zendesk } from './zendesk.js';
import { zoom } from './zoom.js';

/** Every preset, sorted by id. */
export const presets: readonly Preset[] = Object.freeze(
  [
    asana,
    atlassian,
    auth0,
    box,
    calendly,
    discord,
    dropbox,
    github,
    gitlab,
    google,
    hubspot,
    intercom,
    keycloak,
    linear,
    microsoft,
    notion,
    okta,
    pipedrive,
    quickbooks,
    salesforce,
    salesforceSandbox,
    shopify,
    slack,
    spotify,
    xero,
    zendesk,
    zoom,
  ].sort((a, b) => (a.id < b.id ? -1 : 1)),
);

const byId = new Map(presets.map((preset) => [preset.id, preset]));

/** A copy of the preset, so callers cannot change the catalog. */
export function findPreset(id: string): Preset | undefined {
  const preset = byId.get(id);
  return preset && structuredClone(preset);
}
