import type { Client } from '../clients/client.js';
import { InvalidTarget } from '../protocol/oauth-errors.js';
import type { Params } from '../protocol/params.js';

/** Which audiences access tokens may have (config accessTokens.defaultAudience and accessTokens.resources). */
export interface ResourcePolicy {
  /** The audience of tokens issued without a resource; asking for it by name is always allowed. */
  defaultAudience: string;
  /** Every registered resource indicator. */
  resources: readonly string[];
}

/**
 * RFC 8707 §2, RFC 9700 §2.3: the resource indicators a client may ask for. The default
 * audience always; besides it, the client's `resources` metadata, which only config and CLI
 * clients carry; a config or CLI client without it may use every registered resource, a
 * dynamically registered one none.
 */
export function allowedResources(client: Client, policy: ResourcePolicy): string[] {
  const own = client.metadata.resources ?? (client.origin === 'registration' ? [] : policy.resources);
  return [policy.defaultAudience, ...own.filter((resource) => policy.resources.includes(resource))];
}

/**
 * RFC 8707 §2: the `resource` parameter, at /auth and at the token endpoint, is an absolute
 * URI without a fragment; it becomes the access token's audience. One per request here, and
 * one of `allowed` (allowedResources), else invalid_target.
 */
export function checkResource(params: Params, allowed: readonly string[]): string | undefined {
  const resource = params.resource;
  if (resource === undefined) return undefined;
  // RFC 8707 §2: "MUST be an absolute URI, as specified by Section 4.3 of [RFC3986]".
  if (!URL.canParse(resource)) throw new InvalidTarget('resource must be an absolute URI');
  // RFC 8707 §2: "MUST NOT include a fragment component".
  if (resource.includes('#')) throw new InvalidTarget('resource must not contain a fragment');
  // RFC 8707 §2: the server may refuse a resource it does not know or this client may not use.
  if (!allowed.includes(resource)) throw new InvalidTarget('resource is not a registered resource this client may use');
  return resource;
}

/**
 * Whether an access token's audience names one of `accepted` (RFC 9068 §4: a resource server
 * refuses tokens whose `aud` does not name it; RFC 8707 §2, RFC 9700 §2.3).
 */
export function audienceIncludes(aud: string | string[], accepted: readonly string[]): boolean {
  return (Array.isArray(aud) ? aud : [aud]).some((value) => accepted.includes(value));
}
