import type { OutboundFetch } from '../outbound/outbound-fetch.js';
import { UpstreamUnreachable } from './upstream-error.js';

/** The fetch signature openid-client and oauth4webapi take as `customFetch`. */
export type UpstreamFetch = (
  url: string,
  options: { method: string; headers: Record<string, string>; body?: unknown; signal?: AbortSignal },
) => Promise<Response>;

/**
 * Every request to an upstream goes through Tessera's outbound rules (src/outbound/): public
 * addresses only unless the operator lists the host in `outbound.allowedHosts`, no redirects
 * followed, a deadline and a size cap. A failure to get an answer is UpstreamUnreachable.
 */
export function upstreamFetch(outbound: OutboundFetch): UpstreamFetch {
  return async (url, options) => {
    const method = options.method.toUpperCase();
    if (method !== 'GET' && method !== 'POST') throw new UpstreamUnreachable(`${method} is not used with upstreams`);
    let answer;
    try {
      answer = await outbound(url, { method, headers: options.headers, body: bodyText(options.body), signal: options.signal });
    } catch (err) {
      throw new UpstreamUnreachable(`${new URL(url).origin}: ${(err as Error).message}`);
    }
    if (answer.status < 200 || answer.status > 599) throw new UpstreamUnreachable(`${new URL(url).origin}: HTTP status ${answer.status}`);
    const headers = new Headers();
    for (const [name, value] of Object.entries(answer.headers)) {
      if (Array.isArray(value)) for (const v of value) headers.append(name, v);
      else if (value !== undefined) headers.set(name, String(value));
    }
    const noBody = answer.status === 204 || answer.status === 304;
    return new Response(noBody ? null : new Uint8Array(answer.body), { status: answer.status, headers });
  };
}

function bodyText(body: unknown): string | undefined {
  if (body === undefined || body === null) return undefined;
  if (typeof body === 'string') return body;
  if (body instanceof URLSearchParams) return body.toString();
  if (body instanceof Uint8Array) return Buffer.from(body).toString('utf8');
  throw new UpstreamUnreachable('an upstream request body of an unexpected kind');
}
