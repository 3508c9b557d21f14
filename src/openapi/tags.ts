/** The spec's tags, in the order the reference page shows them; every route's `tag` is one of these. */
export const tags = [
  {
    name: 'oauth',
    description:
      'The broker’s own OAuth endpoints: service tokens (client credentials), token exchange, revocation and the keys that verify its tokens.',
  },
  {
    name: 'providers',
    description:
      'OAuth providers the broker can connect accounts to (admin), and the enabled ones a service may use.',
  },
  {
    name: 'clients',
    description: 'Internal services registered to use the broker (admin), with their secrets and grants.',
  },
  {
    name: 'connect',
    description:
      'Connecting an end user’s account: a service opens a connect session, the user’s browser goes through the provider and back.',
  },
  {
    name: 'connections',
    description:
      'Connected accounts: their metadata, deletion with revocation at the provider, and access-token hand-outs.',
  },
  {
    name: 'webhooks',
    description:
      'Where connection events are sent (admin): signed Standard Webhooks endpoints, their secrets, and every delivery with its attempts.',
  },
  { name: 'audit', description: 'The audit trail of what admins, services and the broker did (admin).' },
  { name: 'health', description: 'Liveness and readiness probes.' },
  { name: 'operations', description: 'Prometheus metrics for the people who run the broker.' },
  { name: 'meta', description: 'This document and its reference page.' },
] as const;
