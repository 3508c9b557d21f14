import type { Context } from 'hono';
import { getCookie, setCookie } from 'hono/cookie';
import { z } from 'zod';
import type { AppEnv, Router } from '../http/router.js';
import { handleCallback } from './callback.js';
import type { ConnectDeps } from './deps.js';
import { enterConnectSession } from './enter.js';
import { flowHeaders, plainPage } from './pages.js';

const tag = 'connect';
const html = (description: string) => ({ description, mediaType: 'text/html' });

/** What the end user's browser touches: the entry link and the provider's redirect back. */
export function mountBrowserRoutes(router: Router, deps: ConnectDeps): void {
  const secureCookies = deps.publicUrl.startsWith('https:');

  router.add(
    {
      method: 'get',
      path: '/connect/{connect_token}',
      operationId: 'enterConnectSession',
      summary: 'Browser entry of a connect flow',
      description: 'Binds this browser to the session with a cookie, then redirects to the provider.',
      tag,
      auth: 'none',
      params: z.strictObject({ connect_token: z.string().max(512) }),
      responses: {
        302: { description: 'to the provider' },
        404: html('unknown link'),
        410: html('used or expired'),
      },
    },
    async (c, { params }) => {
      const entry = await enterConnectSession(deps, params.connect_token, (name) => getCookie(c, name));
      if (!entry.ok) {
        const [status, message] = {
          unknown: [404, 'This connect link is not valid.'],
          expired: [410, 'This connect link has expired. Please start again.'],
          used: [410, 'This connect link has already been used. Please start again.'],
          other_browser: [410, 'This connect link was opened in another browser. Please start again.'],
        }[entry.reason] as [404 | 410, string];
        return page(c, status, 'Cannot continue', message);
      }
      setCookie(c, entry.cookie.name, entry.cookie.value, {
        path: entry.cookie.path,
        maxAge: entry.cookie.maxAgeSeconds,
        httpOnly: true,
        secure: secureCookies,
        sameSite: 'Lax',
      });
      return redirect(c, entry.location, 302);
    },
  );

  router.add(
    {
      method: 'get',
      path: '/oauth/callback/{provider_id}',
      operationId: 'oauthCallback',
      summary: "The provider's redirect back (register this URL at the provider)",
      description:
        'Exchanges the code, stores the connection, then sends the browser back to `return_to` with ' +
        '`connection_id` or `error`, or shows a page when the session has no `return_to`.',
      tag,
      auth: 'none',
      params: z.strictObject({ provider_id: z.string().max(64) }),
      query: z.looseObject({
        code: z.string().max(4096).optional(),
        state: z.string().max(512).optional(),
        iss: z.string().max(2048).optional(),
        error: z.string().max(256).optional(),
        error_description: z.string().max(2048).optional(),
      }),
      responses: {
        303: { description: 'back to the return_to URL' },
        200: html('done'),
        400: html('no such flow'),
      },
    },
    async (c, { params }) => {
      const query = new URL(c.req.url).searchParams;
      const result = await handleCallback({ ...deps, log: c.get('log') }, params.provider_id, query, (name) =>
        getCookie(c, name),
      );
      if (result.kind === 'unmatched') {
        return page(
          c,
          400,
          'Cannot continue',
          'This sign-in could not be matched to a connect request. Please start again.',
        );
      }
      setCookie(c, `custodian_connect_${result.session.id}`, '', {
        path: `/oauth/callback/${params.provider_id}`,
        maxAge: 0,
        httpOnly: true,
        secure: secureCookies,
        sameSite: 'Lax',
      });
      if (result.session.return_to !== null) {
        const back = new URL(result.session.return_to);
        back.searchParams.set('connect_session_id', result.session.id);
        if (result.connectionId) back.searchParams.set('connection_id', result.connectionId);
        if (result.error) back.searchParams.set('error', result.error);
        return redirect(c, back.toString(), 303);
      }
      return result.error
        ? page(
            c,
            200,
            'Not connected',
            `The account was not connected (${result.error}). You can close this window.`,
          )
        : page(c, 200, 'Connected', 'The account is connected. You can close this window.');
    },
  );
}

function page(c: Context<AppEnv>, status: 200 | 400 | 404 | 410, title: string, message: string): Response {
  for (const [name, value] of Object.entries(flowHeaders)) c.header(name, value);
  return c.html(plainPage(title, message), status);
}

function redirect(c: Context<AppEnv>, location: string, status: 302 | 303): Response {
  for (const [name, value] of Object.entries(flowHeaders)) c.header(name, value);
  return c.redirect(location, status);
}
