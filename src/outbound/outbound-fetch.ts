import http, { type IncomingHttpHeaders } from 'node:http';
import https from 'node:https';
import { isIP } from 'node:net';
import { addressGuard, type OutboundPolicy } from './address-policy.js';
import { checkedLookup, OutboundRefused, systemResolve, type Resolve } from './checked-lookup.js';

export interface OutboundRequest {
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  body?: string;
  /** Abandons the request (the server is stopping). */
  signal?: AbortSignal;
  /** Milliseconds the whole exchange (connect, answer, body) may take; the default is the fetcher's. */
  timeoutMs?: number;
}

export interface OutboundResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/**
 * Every request the server itself makes to a URL that a client registered goes through
 * one of these: the address policy is checked on the address connected to, redirects are
 * never followed (a 3xx is returned as it is), the exchange has a deadline and the body a
 * size cap.
 */
export type OutboundFetch = (url: string, request?: OutboundRequest) => Promise<OutboundResponse>;

export interface OutboundFetchOptions {
  policy: OutboundPolicy;
  /** Milliseconds a request may take unless the call says otherwise. */
  timeoutMs: number;
  /** Largest response body accepted, in bytes. */
  maxBytes: number;
  /** Name resolution (the system's by default; tests map names of their own). */
  resolve?: Resolve;
}

export function createOutboundFetch(options: OutboundFetchOptions): OutboundFetch {
  const guard = addressGuard(options.policy);
  const lookup = checkedLookup(guard, options.resolve ?? systemResolve);
  return async (uri, request = {}) => {
    const url = new URL(uri);
    if (url.protocol !== 'https:' && !(url.protocol === 'http:' && guard.allowsPlainHttp(url.hostname))) {
      throw new OutboundRefused(`${url.origin}: only https may be used here`);
    }
    // A literal address never goes through lookup: the socket connects to it as written.
    const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
    if (isIP(host)) {
      const refusal = guard.refusal(host, host);
      if (refusal) throw new OutboundRefused(refusal);
    }
    return exchange(url, request, lookup, request.timeoutMs ?? options.timeoutMs, options.maxBytes);
  };
}

function exchange(
  url: URL,
  request: OutboundRequest,
  lookup: ReturnType<typeof checkedLookup>,
  timeoutMs: number,
  maxBytes: number,
): Promise<OutboundResponse> {
  const transport = url.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    let settled = false;
    const settle = (err: Error | undefined, response?: OutboundResponse) => {
      if (settled) return;
      settled = true;
      clearTimeout(deadline);
      request.signal?.removeEventListener('abort', onAbort);
      if (err) {
        outgoing.destroy();
        reject(err);
      } else resolve(response!);
    };
    const onAbort = () => settle(new Error('abandoned: the server is stopping'));
    // agent: false: a fresh socket each time, never one pooled for another lookup.
    const outgoing = transport.request(
      url,
      { method: request.method ?? 'GET', headers: request.headers, agent: false, lookup },
      (incoming) => {
        const declared = Number(incoming.headers['content-length'] ?? 0);
        if (declared > maxBytes) return settle(new Error(`the answer is larger than ${maxBytes} bytes`));
        const chunks: Buffer[] = [];
        let size = 0;
        incoming.on('data', (chunk: Buffer) => {
          size += chunk.byteLength;
          if (size > maxBytes) settle(new Error(`the answer is larger than ${maxBytes} bytes`));
          else chunks.push(chunk);
        });
        incoming.on('end', () =>
          settle(undefined, { status: incoming.statusCode ?? 0, headers: incoming.headers, body: Buffer.concat(chunks) }),
        );
        incoming.on('error', (err) => settle(err));
        incoming.on('close', () => settle(new Error('the connection closed before the answer was complete')));
      },
    );
    const deadline = setTimeout(() => settle(new Error(`no complete answer within ${timeoutMs} ms`)), timeoutMs);
    if (request.signal?.aborted) return onAbort();
    request.signal?.addEventListener('abort', onAbort, { once: true });
    outgoing.on('error', (err) => settle(err));
    outgoing.end(request.body);
  });
}
