import { noTracing, type Tracing } from './tracing.js';

/** Tracing when OTEL_EXPORTER_OTLP_ENDPOINT is set; the SDK is loaded only then. */
export async function startTracing(options: { endpoint?: string; serviceName?: string }): Promise<Tracing> {
  if (options.endpoint === undefined) return noTracing;
  const { createOtelTracing } = await import('./otel.js');
  return createOtelTracing({ endpoint: options.endpoint, serviceName: options.serviceName ?? 'custodian' });
}
