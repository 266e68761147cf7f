import type { Tracer } from '@opentelemetry/api';

/** Whether to export traces: `tracing.enabled`, or an OTLP endpoint in the standard variables (OTEL_SDK_DISABLED wins). */
export function tracingWanted(enabled: boolean, env: NodeJS.ProcessEnv = process.env): boolean {
  if (/^true$/i.test(env.OTEL_SDK_DISABLED ?? '')) return false;
  return enabled || Boolean(env.OTEL_EXPORTER_OTLP_ENDPOINT || env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT);
}

export interface Tracing {
  tracer: Tracer;
  /** Sends the spans still buffered, then stops. */
  shutdown(): Promise<void>;
}

/**
 * Starts the OpenTelemetry SDK: spans go in batches to an OTLP/HTTP collector that the
 * standard OTEL_* variables name (endpoint, headers, timeout, batch delays; JSON bodies;
 * OTEL_SERVICE_NAME, default `tessera`). The SDK is imported here only, and only when
 * tracing is on: a server without it loads none of it.
 */
export async function startTracing(version: string): Promise<Tracing> {
  const [{ NodeTracerProvider, BatchSpanProcessor }, { OTLPTraceExporter }, { resourceFromAttributes }] = await Promise.all([
    import('@opentelemetry/sdk-trace-node'),
    import('@opentelemetry/exporter-trace-otlp-http'),
    import('@opentelemetry/resources'),
  ]);
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({ 'service.name': process.env.OTEL_SERVICE_NAME || 'tessera', 'service.version': version }),
    spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter())],
  });
  // The global provider, AsyncLocalStorage context and W3C trace-context propagation.
  provider.register();
  return { tracer: provider.getTracer('tessera', version), shutdown: () => provider.shutdown() };
}
