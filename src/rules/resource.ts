import { InvalidTarget } from '../protocol/oauth-errors.js';
import type { Params } from '../protocol/params.js';

/**
 * RFC 8707 §2: the `resource` parameter, at /auth and at the token endpoint, is an absolute
 * URI without a fragment; it becomes the access token's audience. One per request here.
 */
export function checkResource(params: Params): string | undefined {
  const resource = params.resource;
  if (resource === undefined) return undefined;
  // RFC 8707 §2: "MUST be an absolute URI, as specified by Section 4.3 of [RFC3986]".
  if (!URL.canParse(resource)) throw new InvalidTarget('resource must be an absolute URI');
  // RFC 8707 §2: "MUST NOT include a fragment component".
  if (resource.includes('#')) throw new InvalidTarget('resource must not contain a fragment');
  return resource;
}

/**
 * Whether an access token's audience names one of `accepted` (RFC 9068 §4: a resource server
 * refuses tokens whose `aud` does not name it; RFC 8707 §2, RFC 9700 §2.3).
 */
export function audienceIncludes(aud: string | string[], accepted: readonly string[]): boolean {
  return (Array.isArray(aud) ? aud : [aud]).some((value) => accepted.includes(value));
}
