import { SpanKind, SpanStatusCode, type Tracer } from '@opentelemetry/api';
import type { OutboundFetch } from '../outbound/outbound-fetch.js';

/** A CLIENT span around each request the server makes (client JWKS, back-channel logout). The query is left out. */
export function traceOutbound(fetch: OutboundFetch, tracer: Tracer): OutboundFetch {
  return (uri, request = {}) => {
    const url = new URL(uri);
    const method = request.method ?? 'GET';
    return tracer.startActiveSpan(
      method,
      {
        kind: SpanKind.CLIENT,
        attributes: { 'http.request.method': method, 'url.full': `${url.origin}${url.pathname}`, 'server.address': url.hostname },
      },
      async (span) => {
        try {
          const response = await fetch(uri, request);
          span.setAttribute('http.response.status_code', response.status);
          if (response.status >= 400) span.setStatus({ code: SpanStatusCode.ERROR });
          return response;
        } catch (err) {
          span.setStatus({ code: SpanStatusCode.ERROR, message: (err as Error).message });
          throw err;
        } finally {
          span.end();
        }
      },
    );
  };
}
