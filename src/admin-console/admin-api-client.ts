import { ADMIN_API_PATH } from './console-client.js';

/** An RFC 9457 problem the admin API answered with, carried to the page that shows it. */
export class ApiProblem extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    readonly detail: string | undefined,
    readonly type: string | undefined,
  ) {
    super(detail ? `${title}: ${detail}` : title);
  }
}

/** A resource and the ETag it was read at (the `If-Match` of its next change). */
export interface Tagged<T> {
  body: T;
  etag?: string;
}

export type Query = Record<string, string | undefined>;

/** The admin API as the console calls it: JSON in and out, with the person's bearer token. */
export interface AdminApi {
  get<T>(path: string, query?: Query): Promise<Tagged<T>>;
  send<T>(method: 'POST' | 'PATCH' | 'DELETE', path: string, body?: unknown, ifMatch?: string): Promise<Tagged<T>>;
}

export function adminApiClient(fetcher: typeof fetch, issuer: string, accessToken: string): AdminApi {
  const call = async <T>(method: string, path: string, body: unknown, headers: Record<string, string>): Promise<Tagged<T>> => {
    const response = await fetcher(`${issuer}${ADMIN_API_PATH}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${accessToken}`,
        accept: 'application/json, application/problem+json',
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...headers,
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    let parsed: unknown;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      parsed = undefined;
    }
    if (!response.ok) {
      const problem = (parsed ?? {}) as { title?: string; detail?: string; type?: string; error_description?: string };
      throw new ApiProblem(
        response.status,
        problem.title ?? response.statusText ?? `HTTP ${response.status}`,
        problem.detail ?? problem.error_description,
        problem.type,
      );
    }
    return { body: parsed as T, etag: response.headers.get('etag') ?? undefined };
  };
  return {
    get: (path, query = {}) => {
      const search = new URLSearchParams();
      for (const [name, value] of Object.entries(query)) if (value) search.set(name, value);
      const qs = search.toString();
      return call(`GET`, qs ? `${path}?${qs}` : path, undefined, {});
    },
    // An action without input (rotate, disable) still posts an empty JSON object: a POST's body is JSON.
    send: (method, path, body, ifMatch) =>
      call(method, path, body === undefined && method === 'POST' ? {} : body, ifMatch ? { 'if-match': ifMatch } : {}),
  };
}

/** A path segment from an id that came from the API or a URL, encoded. */
export function segment(id: string): string {
  return encodeURIComponent(id);
}
