import { AsyncLocalStorage } from 'node:async_hooks';
import { type Context, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import type { SpanAttributes, Tracing } from './tracing.js';

/**
 * Tracing on: OpenTelemetry's SDK exporting over OTLP/HTTP (JSON) to
 * `{endpoint}/v1/traces`. Nothing is registered globally: the tracer
 * provider, the propagator and the current span (an AsyncLocalStorage) belong
 * to this instance, so two apps in one process do not share traces.
 */
export function createOtelTracing(options: { endpoint: string; serviceName: string }): Tracing {
  const exporter = new OTLPTraceExporter({ url: `${options.endpoint.replace(/\/+$/, '')}/v1/traces` });
  const processor = new BatchSpanProcessor({ exporter, scheduledDelayMillis: 1_000 });
  const provider = new TracerProvider({
    resource: resourceFromAttributes({ 'service.name': options.serviceName }),
    spanProcessors: [processor],
  });
  const tracer = provider.getTracer('custodian');
  const propagator = new W3CTraceContextPropagator();
  const current = new AsyncLocalStorage<Context>();

  function span<T>(
    name: string,
    attributes: SpanAttributes,
    work: () => T,
    options?: { childOnly?: boolean },
  ): T {
    const active = current.getStore();
    if (active === undefined && options?.childOnly === true) return work();
    const parent = active ?? ROOT_CONTEXT;
    const started = tracer.startSpan(name, { attributes }, parent);
    const failed = (error: unknown) => {
      started.recordException(error instanceof Error ? error : String(error));
      started.setStatus({ code: SpanStatusCode.ERROR });
      started.end();
    };
    let result: T;
    try {
      result = current.run(trace.setSpan(parent, started), work);
    } catch (error) {
      failed(error);
      throw error;
    }
    if (result instanceof Promise) {
      return result.then(
        (value) => {
          started.end();
          return value;
        },
        (error: unknown) => {
          failed(error);
          throw error;
        },
      ) as T;
    }
    started.end();
    return result;
  }

  return {
    enabled: true,
    span,
    async request(method, header, work) {
      const carrier = { traceparent: header('traceparent'), tracestate: header('tracestate') };
      const incoming = propagator.extract(ROOT_CONTEXT, carrier, {
        get: (c, key) => c[key as keyof typeof c],
        keys: () => ['traceparent', 'tracestate'],
      });
      const server = tracer.startSpan(
        method,
        { kind: SpanKind.SERVER, attributes: { 'http.request.method': method } },
        incoming,
      );
      try {
        const { route, status } = await current.run(trace.setSpan(incoming, server), work);
        server.updateName(`${method} ${route}`);
        server.setAttributes({ 'http.route': route, 'http.response.status_code': status });
        if (status >= 500) server.setStatus({ code: SpanStatusCode.ERROR });
      } catch (error) {
        server.recordException(error instanceof Error ? error : String(error));
        server.setStatus({ code: SpanStatusCode.ERROR });
        throw error;
      } finally {
        server.end();
      }
    },
    logFields() {
      const active = current.getStore();
      const ids = active && trace.getSpanContext(active);
      return ids ? { trace_id: ids.traceId, span_id: ids.spanId } : undefined;
    },
    flush: () => provider.forceFlush(),
    shutdown: () => provider.shutdown(),
  };
}
