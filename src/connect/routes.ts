import { z } from 'zod';
import { AppError, upstreamErrors } from '../http/errors.js';
import type { Router } from '../http/router.js';
import {
  connectSessionCompleteSchema,
  connectSessionCreatedSchema,
  connectSessionCreateSchema,
  connectSessionSchema,
} from './api-schema.js';
import { completeFromService } from './complete.js';
import type { ConnectDeps } from './deps.js';
import { startConnectSession } from './start.js';
import { sessionView } from './view.js';

const sessionPath = z.strictObject({ id: z.string().max(64) });
const tag = 'connect';

/** The service side of a connect flow. */
export function mountConnectRoutes(router: Router, deps: ConnectDeps): void {
  router.add(
    {
      method: 'post',
      path: '/v1/connect-sessions',
      operationId: 'createConnectSession',
      summary: 'Start connecting an end user’s account',
      description:
        'Single use, expires in 10 minutes. Send the browser to `connect_url`; it comes back to `return_to` ' +
        'with `connection_id` or `error`. With your own `redirect_uri`, send it to `authorization_url` ' +
        'instead and finish with `/complete`.',
      tag,
      auth: 'service',
      body: connectSessionCreateSchema,
      responses: { 201: { description: 'created', schema: connectSessionCreatedSchema } },
      errors: [
        'forbidden',
        'tenant_not_found',
        'provider_not_found',
        'return_to_not_allowed',
        'redirect_uri_not_allowed',
        'invalid_connection_params',
        // A scope upgrade naming a connection the caller cannot see, or another end user's.
        'connection_not_found',
        'end_user_mismatch',
        'rate_limited',
      ],
    },
    async (c, { body }) => {
      c.set('auditTenant', body.tenant);
      deps.limits?.connectSession(c.get('caller').id);
      const started = await startConnectSession(deps, c.get('caller'), body);
      c.header('cache-control', 'no-store');
      c.header('location', `/v1/connect-sessions/${started.session.id}`);
      return c.json(
        {
          id: started.session.id,
          connect_url: started.connectUrl,
          ...(started.authorizationUrl ? { authorization_url: started.authorizationUrl } : {}),
          expires_at: new Date(started.session.expires_at).toISOString(),
        },
        201,
      );
    },
  );

  router.add(
    {
      method: 'get',
      path: '/v1/connect-sessions/{id}',
      operationId: 'getConnectSession',
      summary: 'Status of a connect session',
      description:
        'Pending, completed (with `connection_id`) or failed (with `error`). Only its creator sees it.',
      tag,
      auth: 'service',
      params: sessionPath,
      responses: { 200: { description: 'the session', schema: connectSessionSchema } },
      errors: ['connect_session_not_found'],
    },
    async (c, { params }) => {
      const session = await deps.sessions.get(params.id);
      const caller = c.get('caller');
      if (!session || session.created_by !== caller.id || !caller.seesTenant(session.tenant)) {
        throw new AppError('connect_session_not_found', 'no such connect session');
      }
      return c.json(sessionView(session));
    },
  );

  router.add(
    {
      method: 'post',
      path: '/v1/connect-sessions/{id}/complete',
      operationId: 'completeConnectSession',
      summary: 'Finish a session whose redirect reached your own page',
      description: 'Send the `code`, `state` and (if present) `iss` your redirect_uri received.',
      tag,
      auth: 'service',
      params: sessionPath,
      body: connectSessionCompleteSchema,
      responses: { 200: { description: 'completed', schema: connectSessionSchema } },
      errors: [
        'connect_session_not_found',
        'provider_not_found',
        'state_mismatch',
        'issuer_mismatch',
        'conflict',
        'connect_session_used',
        'connect_session_expired',
        // The connect failed after the provider answered: a metadata request, or an upgrade that came
        // back with another account, or whose connection was deleted or went to another end user meanwhile.
        'metadata_request_failed',
        // A provider whose account is read from its ID token: none came back, or it failed a check.
        'id_token_missing',
        'id_token_invalid',
        'account_mismatch',
        'end_user_mismatch',
        'connection_not_found',
        ...upstreamErrors,
      ],
    },
    async (c, { params, body }) => {
      // The request's logger: the connect flow's lines carry its request id.
      const session = await completeFromService(
        { ...deps, log: c.get('log') },
        c.get('caller'),
        params.id,
        body,
        (found) => c.set('auditTenant', found.tenant),
      );
      return c.json(sessionView(session));
    },
  );
}
