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
