/**
 * Tracing as the rest of the broker sees it: a span around a piece of work,
 * and the trace id of the request being answered. Off (the default), every
 * call is the work itself: the OpenTelemetry SDK is not even loaded (see
 * otel.ts, imported only when OTEL_EXPORTER_OTLP_ENDPOINT is set).
 */

export type SpanAttributes = Record<string, string | number | boolean>;

export interface Tracing {
  readonly enabled: boolean;
  /**
   * Runs `work` in a span, a child of the current one (the request's, the
   * refresh's). `childOnly`: outside any span, `work` runs without one.
   */
  span<T>(name: string, attributes: SpanAttributes, work: () => T, options?: { childOnly?: boolean }): T;
  /**
   * Runs an incoming request in a server span continuing the caller's W3C
   * `traceparent`. `work` returns the route pattern and status once answered
   * (the span's name and attributes).
   */
  request(
    method: string,
    header: (name: string) => string | undefined,
    work: () => Promise<{ route: string; status: number }>,
  ): Promise<void>;
  /**
   * `trace_id` and `span_id` of the span active where it is called, for log
   * lines; undefined outside any span. The app's logger asks at each line when
   * tracing is on, so every line written for a request (by the route, the
   * refresher, the connect flow) carries its trace, not only the request
   * logger's.
   */
  logFields(): { trace_id: string; span_id: string } | undefined;
  /** Exports what is buffered; resolves when sent (or given up). */
  flush(): Promise<void>;
  shutdown(): Promise<void>;
}

export const noTracing: Tracing = {
  enabled: false,
  span: (_name, _attributes, work) => work(),
  request: async (_method, _header, work) => {
    await work();
  },
  logFields: () => undefined,
  flush: async () => {},
  shutdown: async () => {},
};

/**
 * Every method of a store in a span of its own (`db <group>.<method>`): one
 * span per statement group the store runs, beneath the request or refresh it
 * serves. Statements outside any (the background polls each second, the audit
 * writer's batches) make no trace of their own: a lone database span every
 * second per replica would bury the traces worth reading. Off, the store
 * itself is returned.
 */
export function traceMethods<T extends object>(tracing: Tracing, group: string, engine: string, store: T): T {
  if (!tracing.enabled) return store;
  const traced = { ...store } as Record<string, unknown>;
  const system = engine === 'postgres' ? 'postgresql' : 'sqlite';
  for (const [name, value] of Object.entries(store)) {
    if (typeof value !== 'function') continue;
    const method = value as (...args: unknown[]) => unknown;
    const attributes = { 'db.system.name': system, 'db.operation.name': `${group}.${name}` };
    traced[name] = (...args: unknown[]) =>
      tracing.span(`db ${group}.${name}`, attributes, () => method.apply(store, args), { childOnly: true });
  }
  return traced as T;
}
