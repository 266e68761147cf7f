import { SpanKind, SpanStatusCode, type Tracer } from '@opentelemetry/api';

/**
 * A CLIENT span for each database statement, a child of the request it served. Built once
 * the statement has finished (from its duration), so it covers failed statements too.
 * The SQL text carries placeholders, never the values.
 */
export function querySpans(tracer: Tracer, system: 'postgresql' | 'sqlite') {
  return (sql: string, seconds: number, failed: boolean): void => {
    const operation = /^\s*(\w+)/.exec(sql)?.[1]?.toUpperCase() ?? 'QUERY';
    const span = tracer.startSpan(`${operation} ${system}`, {
      kind: SpanKind.CLIENT,
      startTime: performance.timeOrigin + performance.now() - seconds * 1000,
      attributes: { 'db.system.name': system, 'db.operation.name': operation, 'db.query.text': sql },
    });
    if (failed) span.setStatus({ code: SpanStatusCode.ERROR });
    span.end();
  };
}
