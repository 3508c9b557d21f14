import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, allGrants, createTestApp, type TestApp } from '../src/test-support/app.js';
import { seedConnection } from '../src/test-support/connections.js';
import { startTokenServer } from '../src/test-support/token-server.js';
import { createOtelTracing } from '../src/tracing/otel.js';
import { startTracing } from '../src/tracing/start.js';
import { noTracing } from '../src/tracing/tracing.js';
import { startBroker } from './support/broker-process.js';
import { startOtlpReceiver } from './support/otlp-receiver.js';

/**
 * Tracing against a local OTLP/HTTP receiver: a hand-out that refreshes its
 * token, continued from the caller's traceparent, as one trace of parent and
 * child spans; and the real process configured by OTEL_* variables.
 */

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const PARENT_ID = '00f067aa0ba902b7';

describe('a hand-out traced in process', () => {
  let receiver: Awaited<ReturnType<typeof startOtlpReceiver>>;
  let tokens: Awaited<ReturnType<typeof startTokenServer>>;
  let t: TestApp;
  const tracing = () => t.deps.tracing!;

  beforeAll(async () => {
    receiver = await startOtlpReceiver();
    tokens = await startTokenServer();
    t = await createTestApp({
      allowLoopbackHttp: true,
      tracing: createOtelTracing({ endpoint: receiver.endpoint, serviceName: 'custodian-under-test' }),
    });
    await tokens.register(t);
    await seedConnection(t.deps, {
      id: 'c1',
      providerId: 'scripted',
      accessToken: 'old',
      expiresAt: Date.now() - 1000,
    });
  });

  afterAll(async () => {
    await t.close();
    await tracing().shutdown();
    await tokens.close();
    await receiver.close();
  });

  it('exports the request span under the caller’s trace, with refresh, provider and database spans beneath it', async () => {
    const client = await t.client();
    const token = await client.token();
    const res = await t.app.request('/v1/connections/c1/access-token', {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, traceparent: `00-${TRACE_ID}-${PARENT_ID}-01` },
    });
    expect(res.status).toBe(200);
    expect(tokens.received).toHaveLength(1);
    await tracing().flush();

    expect(receiver.contentTypes[0]).toMatch(/^application\/json/);
    const trace = receiver.spans.filter((s) => s.traceId === TRACE_ID);
    const server = trace.find((s) => s.name === 'POST /v1/connections/:id/access-token');
    expect(server).toBeDefined();
    expect(server!.parentSpanId).toBe(PARENT_ID);
    expect(server!.kind).toBe(2); // SERVER
    expect(server!.serviceName).toBe('custodian-under-test');
    expect(server!.attributes).toMatchObject({
      'http.request.method': 'POST',
      'http.route': '/v1/connections/:id/access-token',
      'http.response.status_code': 200,
    });

    const byId = new Map(trace.map((s) => [s.spanId, s]));
    const ancestors = (span: (typeof trace)[number]) => {
      const chain: string[] = [];
      for (let p = byId.get(span.parentSpanId); p; p = byId.get(p.parentSpanId)) chain.push(p.name);
      return chain;
    };
    const refresh = trace.find((s) => s.name === 'refresh');
    expect(refresh?.parentSpanId).toBe(server!.spanId);
    expect(refresh?.attributes).toMatchObject({
      'custodian.provider': 'scripted',
      'custodian.reason': 'on_demand',
    });
    const call = trace.find((s) => s.name === 'POST refresh');
    expect(call && ancestors(call)).toEqual(['refresh', server!.name]);
    expect(call?.attributes).toMatchObject({
      'custodian.provider': 'scripted',
      'custodian.operation': 'refresh',
    });
    // The host only: never a path, query or token.
    expect(String(call?.attributes['server.address'])).toMatch(/^127\.0\.0\.1:\d+$/);
    const commit = trace.find((s) => s.name === 'db token_rows.commitRefresh');
    expect(commit && ancestors(commit)).toEqual(['refresh', server!.name]);
    expect(commit?.attributes).toMatchObject({ 'db.system.name': 'sqlite' });
    const read = trace.find((s) => s.name === 'db token_rows.read' && s.parentSpanId === server!.spanId);
    expect(read).toBeDefined();

    // Nothing secret in any exported attribute.
    const exported = JSON.stringify(receiver.spans);
    for (const secret of ['at-1', 'rt-1', 'csecret', 'a-refresh-token', token])
      expect(exported).not.toContain(secret);
  });

  it('puts the trace id on every log line of that request', async () => {
    const lines = t.logs.map((l) => JSON.parse(l) as Record<string, unknown>);
    const access = lines.find((l) => l.msg === 'request' && l.route === '/v1/connections/:id/access-token');
    expect(access?.trace_id).toBe(TRACE_ID);
    const requestId = access?.request_id;
    for (const line of lines.filter((l) => l.request_id === requestId)) expect(line.trace_id).toBe(TRACE_ID);
  });

  it('starts a new trace when the caller sends none (or a malformed one)', async () => {
    const res = await t.app.request('/healthz', { headers: { traceparent: '00-zz-not-a-traceparent-01' } });
    expect(res.status).toBe(200);
    await tracing().flush();
    const span = receiver.spans.find((s) => s.name === 'GET /healthz');
    expect(span?.traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(span?.traceId).not.toBe(TRACE_ID);
    expect(span?.parentSpanId).toBe('');
  });
});

describe('database spans beyond the connection stores, traced in process', () => {
  let receiver: Awaited<ReturnType<typeof startOtlpReceiver>>;
  let t: TestApp;
  const tracing = () => t.deps.tracing!;

  beforeAll(async () => {
    receiver = await startOtlpReceiver();
    t = await createTestApp({
      tracing: createOtelTracing({ endpoint: receiver.endpoint, serviceName: 'custodian-under-test' }),
    });
  });

  afterAll(async () => {
    await t.close();
    await tracing().shutdown();
    await receiver.close();
  });

  const post = (path: string, traceId: string, form: Record<string, string>) =>
    t.app.request(path, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        traceparent: `00-${traceId}-${PARENT_ID}-01`,
      },
      body: new URLSearchParams(form),
    });
  /** The names of the database spans beneath the request span of `traceId`. */
  const dbSpansOf = (traceId: string) => {
    const trace = receiver.spans.filter((s) => s.traceId === traceId);
    const server = trace.find((s) => s.parentSpanId === PARENT_ID)!;
    const beneath = (s: (typeof trace)[number]): boolean =>
      s.parentSpanId === server.spanId || trace.some((p) => p.spanId === s.parentSpanId && beneath(p));
    return trace.filter((s) => s.name.startsWith('db ') && beneath(s));
  };

  it('a first /oauth/token has spans for the client’s rows and the signing keys; a revocation for its row', async () => {
    const client = await t.client();
    const credentials = { client_id: client.clientId, client_secret: client.secret };
    const issueTrace = 'a'.repeat(32);
    const issued = await post('/oauth/token', issueTrace, {
      grant_type: 'client_credentials',
      ...credentials,
    });
    expect(issued.status).toBe(200);
    const { access_token: token } = (await issued.json()) as { access_token: string };
    const revokeTrace = 'b'.repeat(32);
    expect((await post('/oauth/revoke', revokeTrace, { token, ...credentials })).status).toBe(200);
    await tracing().flush();

    const issue = dbSpansOf(issueTrace);
    // The first token of this broker: its signing key is made and loaded.
    expect(issue.map((s) => s.name)).toEqual(
      expect.arrayContaining(['db clients.get', 'db signing_keys.usable', 'db signing_keys.insert']),
    );
    for (const span of issue) expect(span.attributes['db.system.name']).toBe('sqlite');
    expect(dbSpansOf(revokeTrace).map((s) => s.name)).toContain('db revoked_tokens.add');
    // The client's registration read (or made) the secret pepper.
    expect(receiver.spans.some((s) => s.name === 'db broker_secrets.getOrCreate')).toBe(true);
  });

  it('webhook endpoint statements run in spans beneath their request', async () => {
    const traceId = 'c'.repeat(32);
    const res = await t.app.request('/v1/admin/webhook-endpoints', {
      method: 'POST',
      headers: {
        authorization: `Bearer ${ADMIN_TOKEN}`,
        'content-type': 'application/json',
        traceparent: `00-${traceId}-${PARENT_ID}-01`,
      },
      body: JSON.stringify({ url: 'https://hooks.example/custodian' }),
    });
    expect(res.status).toBe(201);
    await tracing().flush();
    expect(dbSpansOf(traceId).map((s) => s.name)).toContain('db webhook_endpoints.insert');
  });

  it('a scrape reads the connection gauges in spans beneath GET /metrics', async () => {
    const traceId = 'd'.repeat(32);
    const res = await t.app.request('/metrics', {
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, traceparent: `00-${traceId}-${PARENT_ID}-01` },
    });
    expect(res.status).toBe(200);
    await tracing().flush();
    expect(dbSpansOf(traceId).map((s) => s.name)).toEqual(
      expect.arrayContaining(['db connection_gauges.byStatus', 'db connection_gauges.due']),
    );
  });

  it('claims no audit batch for a request, and makes no trace of statements outside any', async () => {
    // Earlier requests here recorded audit events; their batches are written by the audit writer's own
    // timer. Were it run in the context of the request that queued the first event, its insert would
    // show in that request's trace.
    await t.services.audit.flush();
    expect((await t.admin('GET', '/v1/admin/audit-events')).status).toBe(200);
    await t.services.background.runOnce(); // a background poll, outside any request
    await tracing().flush();
    expect(receiver.spans.filter((s) => s.name === 'db audit_events.insert')).toEqual([]);
    expect(receiver.spans.filter((s) => s.name.startsWith('db ') && s.parentSpanId === '')).toEqual([]);
    // The listing above is a request: its statements are in spans beneath it.
    expect(receiver.spans.some((s) => s.name === 'db audit_events.list')).toBe(true);
  });
});

// Tracing off, the same lines carry the request id (the request's logger is handed down), and no trace.
describe.each([
  ['on', true],
  ['off', false],
])('log lines a request writes outside its route, tracing %s', (_, tracingOn) => {
  const REDIRECT = 'https://app.example/oauth/back';
  let receiver: Awaited<ReturnType<typeof startOtlpReceiver>>;
  let tokens: Awaited<ReturnType<typeof startTokenServer>>;
  let t: TestApp;
  let token: string;

  beforeAll(async () => {
    receiver = await startOtlpReceiver();
    tokens = await startTokenServer();
    t = await createTestApp({
      allowLoopbackHttp: true,
      tracing: tracingOn
        ? createOtelTracing({ endpoint: receiver.endpoint, serviceName: 'custodian-under-test' })
        : undefined,
    });
    await tokens.register(t, 'scripted', { revocation_url: `${tokens.base}/revoke` });
    token = await (await t.client(allGrants({ redirect_uris: [REDIRECT] }))).token();
  });

  afterAll(async () => {
    await t.close();
    await t.deps.tracing?.shutdown();
    await tokens.close();
    await receiver.close();
  });

  /** A request continuing trace `traceId`; the lines it wrote (found by its request id). */
  async function traced(traceId: string, method: string, path: string, body?: unknown) {
    const requestId = `req-${traceId.slice(0, 8)}`;
    const res = await t.app.request(path, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        traceparent: `00-${traceId}-${PARENT_ID}-01`,
        'x-request-id': requestId,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const lines = t.logs.map((l) => JSON.parse(l) as Record<string, unknown>);
    return { res, requestId, line: (msg: string) => lines.find((l) => l.msg === msg) };
  }
  const traceOf = (traceId: string) => (tracingOn ? traceId : undefined);

  it('a refresh failing during a hand-out (the refresher’s line) carries the trace and the request id', async () => {
    const traceId = '1'.repeat(32);
    await seedConnection(t.deps, { id: 'c-5xx', providerId: 'scripted', accessToken: 'old', expiresAt: 0 });
    tokens.failNext(500);
    const { res, requestId, line } = await traced(traceId, 'POST', '/v1/connections/c-5xx/access-token');
    expect(res.status).toBe(503);
    const warned = line('refresh failed; tokens kept, will retry');
    expect(warned).toMatchObject({ level: 'warn', request_id: requestId, connection_id: 'c-5xx' });
    expect(warned?.trace_id).toBe(traceOf(traceId));
    // The refresh span's, beneath the request's.
    if (tracingOn) expect(warned?.span_id).toMatch(/^[0-9a-f]{16}$/);
  });

  it('a revocation the provider refuses (revoke.ts’s line) carries the trace and the request id', async () => {
    const traceId = '2'.repeat(32);
    await seedConnection(t.deps, {
      id: 'c-revoke',
      providerId: 'scripted',
      accessToken: 'at',
      expiresAt: null,
    });
    tokens.failNext(500);
    const { res, requestId, line } = await traced(traceId, 'DELETE', '/v1/connections/c-revoke');
    expect(res.status).toBe(502);
    expect(line('revocation failed')).toMatchObject({ request_id: requestId });
    expect(line('revocation failed')?.trace_id).toBe(traceOf(traceId));
  });

  it('a connect whose code exchange fails (finish.ts’s line) carries the trace and the request id', async () => {
    const traceId = '3'.repeat(32);
    const started = await traced(traceId, 'POST', '/v1/connect-sessions', {
      provider: 'scripted',
      tenant: 'acme',
      end_user: 'u-1',
      redirect_uri: REDIRECT,
    });
    expect(started.res.status).toBe(201);
    const session = (await started.res.json()) as { id: string; authorization_url: string };
    const state = new URL(session.authorization_url).searchParams.get('state')!;
    tokens.failNext(500);
    const { res, requestId, line } = await traced(
      traceId,
      'POST',
      `/v1/connect-sessions/${session.id}/complete`,
      {
        code: 'a-code',
        state,
      },
    );
    expect(res.status).toBe(502);
    expect(line('connect failed')).toMatchObject({ request_id: requestId });
    expect(line('connect failed')?.trace_id).toBe(traceOf(traceId));
  });
});

describe('tracing configuration', () => {
  it('is off without OTEL_EXPORTER_OTLP_ENDPOINT', async () => {
    expect(await startTracing({})).toBe(noTracing);
  });

  it('the broker process exports to OTEL_EXPORTER_OTLP_ENDPOINT as OTEL_SERVICE_NAME, flushing at SIGTERM', async () => {
    const receiver = await startOtlpReceiver();
    const broker = await startBroker({
      CUSTODIAN_DATA_DIR: (await import('node:fs')).mkdtempSync(
        `${(await import('node:os')).tmpdir()}/custodian-otel-`,
      ),
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint,
      OTEL_SERVICE_NAME: 'custodian-process',
    });
    try {
      const res = await fetch(`${broker.url}/readyz`, {
        headers: { traceparent: `00-${TRACE_ID}-${PARENT_ID}-01` },
      });
      expect(res.status).toBe(200);
    } finally {
      broker.child.kill('SIGTERM');
      expect(await broker.exited).toBe(0);
      await receiver.close();
    }
    const span = receiver.spans.find((s) => s.name === 'GET /readyz');
    expect(span).toMatchObject({
      traceId: TRACE_ID,
      parentSpanId: PARENT_ID,
      serviceName: 'custodian-process',
    });
    const line = broker
      .stdout()
      .split('\n')
      .find((l) => l.includes('"route":"/readyz"'));
    expect(JSON.parse(line!).trace_id).toBe(TRACE_ID);
  });
});
