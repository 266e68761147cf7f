import type { Client } from '../clients/client.js';
import { InvalidTarget } from '../protocol/oauth-errors.js';
import type { Params } from '../protocol/params.js';
import { isScopeToken } from './scope.js';

/**
 * A registered resource (config accessTokens.resources): its indicator, and what its access
 * tokens are like. A plain string entry is a resource with no settings of its own.
 */
export interface RegisteredResource {
  /** The RFC 8707 resource indicator clients send: an absolute URI without fragment. */
  identifier: string;
  /** Scopes that belong to this resource: granted only in tokens for it, never in tokens for other audiences. */
  scopes?: string[];
  /** The tokens' `aud` when it is not the identifier (the resource server's client_id, so it may introspect them). */
  audience?: string;
  /** `jwt` or `opaque`, over the client's `access_token_format`. */
  accessTokenFormat?: 'jwt' | 'opaque';
  /** Seconds at most a token for this resource lives (it shortens the client's or the default lifetime, never lengthens). */
  accessTokenTtl?: number;
}

/** Which audiences access tokens may have (config accessTokens.defaultAudience and accessTokens.resources). */
export interface ResourcePolicy {
  /** The audience of tokens issued without a resource; asking for it by name is always allowed. */
  defaultAudience: string;
  /** Every registered resource indicator. */
  resources: readonly string[];
  /** The registered resources by indicator, with their settings. */
  registered?: ReadonlyMap<string, RegisteredResource>;
}

/** The config entries (strings or objects) as registered resources. */
export function registeredResources(entries: readonly (string | RegisteredResource)[]): RegisteredResource[] {
  return entries.map((entry) => (typeof entry === 'string' ? { identifier: entry } : entry));
}

/** The policy config accessTokens describes. */
export function resourcePolicy(accessTokens: {
  defaultAudience: string;
  resources: readonly (string | RegisteredResource)[];
}): ResourcePolicy {
  const registered = registeredResources(accessTokens.resources);
  return {
    defaultAudience: accessTokens.defaultAudience,
    resources: registered.map((resource) => resource.identifier),
    registered: new Map(registered.map((resource) => [resource.identifier, resource])),
  };
}

/** What is wrong with one config entry of accessTokens.resources, or undefined. */
export function resourceEntryProblem(entry: unknown): string | undefined {
  const isUri = (value: unknown) => typeof value === 'string' && URL.canParse(value) && !value.includes('#');
  if (typeof entry === 'string') return isUri(entry) ? undefined : 'must be an absolute URI without a fragment (RFC 8707 §2)';
  if (entry === null || typeof entry !== 'object' || Array.isArray(entry)) return 'must be a URI or { identifier, scopes, ... }';
  const { identifier, scopes, audience, accessTokenFormat, accessTokenTtl, ...rest } = entry as Record<string, unknown>;
  const unknown = Object.keys(rest);
  if (unknown.length > 0) return `unknown setting ${unknown[0]} (identifier, scopes, audience, accessTokenFormat, accessTokenTtl)`;
  if (!isUri(identifier)) return 'identifier must be an absolute URI without a fragment (RFC 8707 §2)';
  if (scopes !== undefined && (!Array.isArray(scopes) || scopes.some((scope) => typeof scope !== 'string' || !isScopeToken(scope))))
    return 'scopes must be an array of scope names';
  if (audience !== undefined && (typeof audience !== 'string' || audience === '')) return 'audience must be a non-empty string';
  if (accessTokenFormat !== undefined && accessTokenFormat !== 'jwt' && accessTokenFormat !== 'opaque')
    return 'accessTokenFormat must be jwt or opaque';
  if (accessTokenTtl !== undefined && (typeof accessTokenTtl !== 'number' || !Number.isInteger(accessTokenTtl) || accessTokenTtl < 1))
    return 'accessTokenTtl must be a whole number of seconds, at least 1';
  return undefined;
}

/**
 * The scope an access token for `resource` carries out of the granted `scope`: a resource
 * with its own scopes gets those alone; any other audience gets the granted scopes that
 * belong to no registered resource (RFC 8707 §2.2: the token is audience-restricted, and a
 * resource's scopes mean nothing to anyone else).
 */
export function scopeForResource(policy: ResourcePolicy, resource: string | undefined, scope: string): string {
  const registered = [...(policy.registered?.values() ?? [])];
  const own = resource === undefined ? undefined : policy.registered?.get(resource)?.scopes;
  const owned = new Set(registered.flatMap((entry) => entry.scopes ?? []));
  const granted = scope.split(' ').filter(Boolean);
  return (own ? granted.filter((name) => own.includes(name)) : granted.filter((name) => !owned.has(name))).join(' ');
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
  return checkIndicator(resource, allowed);
}

/**
 * RFC 8707 §2.1: at /auth the client may name several resources (the parameter repeated);
 * each is checked as `checkResource` does. Returns them space-separated (URIs hold no
 * spaces), as codes and refresh tokens store them, or undefined for none.
 */
export function checkResources(values: readonly string[], allowed: readonly string[]): string | undefined {
  if (values.length === 0) return undefined;
  return [...new Set(values.map((value) => checkIndicator(value, allowed)))].join(' ');
}

/**
 * RFC 8707 §2.2: at the token endpoint (authorization code, refresh token) the client names
 * one of the resources granted at /auth, or the default audience, which the openid scopes
 * are for (userinfo); without `resource`, the one granted resource if there is exactly one.
 * Anything else is invalid_target.
 */
export function resourceForToken(params: Params, granted: string | null, policy: ResourcePolicy): string | undefined {
  const grantedList = granted ? granted.split(' ') : [];
  const asked = params.resource;
  if (asked === undefined) {
    if (grantedList.length > 1)
      throw new InvalidTarget('several resources were granted: name one with the resource parameter (RFC 8707 §2.2)');
    return grantedList[0];
  }
  if (asked === policy.defaultAudience) return undefined;
  return checkIndicator(asked, grantedList.length > 0 ? grantedList : []);
}

function checkIndicator(resource: string, allowed: readonly string[]): string {
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
