import { request as httpRequest } from 'node:http';
import type { DecodedJwt } from './decode-jwt.js';

/** One HTTP message as it went over the wire: headers in order, as sent or received. */
export interface HttpRequestRecord {
  method: string;
  url: string;
  headers: [string, string][];
  body: string;
}

export interface HttpResponseRecord {
  status: number;
  statusText: string;
  headers: [string, string][];
  body: string;
}

/**
 * One step of a flow. `back-channel`: a request the playground's server side made to Tessera
 * over HTTP, with the answer it got. `front-channel`: a navigation of the person's browser,
 * as the playground built it (the request to /auth) or received it (the redirect back).
 */
export interface Exchange {
  channel: 'back-channel' | 'front-channel';
  step: string;
  explanation: string;
  reference: string;
  /** ISO time the request was sent or received. */
  at: string;
  request: HttpRequestRecord;
  response?: HttpResponseRecord;
  /** What the playground saw of a front-channel step, and what it did not. */
  note?: string;
  /** The JWTs of the response, decoded and checked. */
  jwts: DecodedJwt[];
}

const MAX_BODY = 256 * 1024;

/**
 * Sends `request` exactly as recorded (node:http with every header set here, no agent: nothing
 * is added but what the record lists) and returns the answer as received.
 */
export function sendRecorded(request: HttpRequestRecord): Promise<HttpResponseRecord> {
  return new Promise((resolve, reject) => {
    const url = new URL(request.url);
    const outgoing = httpRequest(
      {
        method: request.method,
        hostname: url.hostname.replace(/^\[|\]$/g, ''),
        port: url.port,
        path: `${url.pathname}${url.search}`,
        headers: request.headers.flat(),
        setHost: false,
        agent: false,
      },
      (incoming) => {
        let body = '';
        incoming.setEncoding('utf8');
        incoming.on('data', (chunk: string) => {
          if (body.length < MAX_BODY) body += chunk;
        });
        incoming.on('end', () => {
          const headers: [string, string][] = [];
          for (let i = 0; i < incoming.rawHeaders.length; i += 2) headers.push([incoming.rawHeaders[i], incoming.rawHeaders[i + 1]]);
          resolve({ status: incoming.statusCode ?? 0, statusText: incoming.statusMessage ?? '', headers, body });
        });
        incoming.on('error', reject);
      },
    );
    outgoing.setTimeout(10_000, () => outgoing.destroy(new Error(`no answer from ${request.url} within 10 s`)));
    outgoing.on('error', reject);
    outgoing.end(request.body || undefined);
  });
}

/** The request record for `method url`, with the headers a careful client sends (Host first, as on the wire). */
export function buildRequest(method: string, url: string, headers: [string, string][], body = ''): HttpRequestRecord {
  const all: [string, string][] = [
    ['Host', new URL(url).host],
    ['User-Agent', 'tessera-playground'],
    ['Accept', 'application/json'],
  ];
  all.push(...headers);
  if (body) all.push(['Content-Length', String(Buffer.byteLength(body))]);
  all.push(['Connection', 'close']);
  return { method, url, headers: all, body };
}

/** The request line and headers as text (HTTP/1.1 message form). */
export function requestText(request: HttpRequestRecord): string {
  const url = new URL(request.url);
  const lines = [`${request.method} ${url.pathname}${url.search} HTTP/1.1`, ...request.headers.map(([n, v]) => `${n}: ${v}`)];
  return `${lines.join('\n')}\n${request.body ? `\n${request.body}` : ''}`;
}

export function responseText(response: HttpResponseRecord): string {
  const lines = [`HTTP/1.1 ${response.status} ${response.statusText}`, ...response.headers.map(([n, v]) => `${n}: ${v}`)];
  return `${lines.join('\n')}\n${response.body ? `\n${response.body}` : ''}`;
}
