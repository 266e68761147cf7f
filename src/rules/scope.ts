import type { Client } from '../clients/client.js';
import { GRANT_REFRESH_TOKEN } from '../clients/client.js';
import { InvalidScope } from '../protocol/oauth-errors.js';
import { ADMIN_SCOPE_DESCRIPTIONS, isAdminScope } from './admin-scopes.js';

/** The scopes every deployment offers, with what a person reads of each on the consent page. */
export const SCOPE_DESCRIPTIONS: Record<string, string> = {
  openid: 'Sign you in and know who you are',
  profile: 'See your name and basic profile',
  email: 'See your email address',
  address: 'See your postal address',
  phone: 'See your phone number',
  offline_access: 'Stay connected while you are away (keep access until you revoke it)',
};

/** The scopes this provider offers, each with what the consent page says of it. */
export type KnownScopes = ReadonlyMap<string, string>;

/** The scopes offered: the standard ones and the config `scopes` entries (parseScopeEntry). */
export function offeredScopes(entries: readonly string[]): Map<string, string> {
  const scopes = new Map<string, string>(Object.entries({ ...SCOPE_DESCRIPTIONS, ...ADMIN_SCOPE_DESCRIPTIONS }));
  for (const entry of entries) {
    const { name, description } = parseScopeEntry(entry);
    scopes.set(name, description);
  }
  return scopes;
}

/** RFC 6749 §3.3: scope-token = 1*( %x21 / %x23-5B / %x5D-7E ). */
const SCOPE_TOKEN = /^[\x21\x23-\x5B\x5D-\x7E]+$/;

export function isScopeToken(value: string): boolean {
  return SCOPE_TOKEN.test(value);
}

/** RFC 6749 §3.3: scope = scope-token *( SP scope-token ), exactly (client `scope` metadata, RFC 7591 §2). */
export function isScopeList(value: string): boolean {
  return value.split(' ').every(isScopeToken);
}

/**
 * The tokens of a `scope` request parameter, in order, each once. Runs of spaces are
 * tolerated; a token outside the RFC 6749 §3.3 grammar is invalid_scope.
 */
export function parseScope(value: string): string[] {
  const scopes = [...new Set(value.split(' ').filter(Boolean))];
  if (!scopes.every(isScopeToken)) throw new InvalidScope('scope contains characters RFC 6749 §3.3 does not allow');
  return scopes;
}

/**
 * A config `scopes` entry: "name", or "name: what the consent page says". The description
 * starts after a colon followed by a space; a colon inside the name is part of it, so
 * "api:read: Read the API" is the scope `api:read` and "api:read" alone is that name too.
 */
const SCOPE_ENTRY = /^(\S+?)(?::(?:\s+(.*))?)?$/s;

export function parseScopeEntry(entry: string): { name: string; description: string } {
  const match = SCOPE_ENTRY.exec(entry.trim());
  const name = match?.[1] ?? entry.trim();
  return { name, description: match?.[2]?.trim() || name };
}

/** Whether a config `scopes` entry names a valid scope (RFC 6749 §3.3), colons included. */
export function isScopeEntry(entry: string): boolean {
  return entry === entry.trimStart() && SCOPE_ENTRY.test(entry.trim()) && isScopeToken(parseScopeEntry(entry).name);
}

/** OIDC Core §5.4, §11: the scopes that ask about the end-user; a client_credentials token has none. */
export const USER_SCOPES: ReadonlySet<string> = new Set(['openid', 'profile', 'email', 'address', 'phone', 'offline_access']);

/** The client's `scope` metadata as a list; undefined when it registered none. */
export function registeredScopes(client: Client): string[] | undefined {
  return client.metadata.scope?.split(' ').filter(Boolean);
}

/**
 * What a client may be granted at /auth and at device authorization: the scopes the provider
 * offers, limited by the client's `scope` metadata when it has some (RFC 7591 §2). The admin
 * API's scopes only through the client's `admin_scopes`, which only the operator sets.
 */
export function allowedScopes(client: Client, known: KnownScopes): Set<string> {
  const registered = registeredScopes(client);
  const offered = (registered ? registered.filter((s) => known.has(s)) : [...known.keys()]).filter((s) => !isAdminScope(s));
  return new Set([...offered, ...(client.metadata.admin_scopes ?? [])]);
}

/**
 * client_credentials, RFC 6749 §4.4.2 and §3.3: the scope issued is what the client asked for,
 * each within what it may have (`allowedScopes`: its `scope` metadata, only names the provider
 * offers), else invalid_scope. Without a scope parameter the client gets its registered scopes
 * that concern no end-user (USER_SCOPES left out), or none when it registered no `scope`.
 */
export function clientCredentialsScope(requested: string | undefined, client: Client, known: KnownScopes): string {
  const allowed = allowedScopes(client, known);
  if (requested === undefined) return [...allowed].filter((s) => registeredScopes(client) && !USER_SCOPES.has(s)).join(' ');
  return refuseUnallowed(requested, client, allowed);
}

/**
 * /auth, RFC 6749 §3.3: the server may grant fewer scopes than requested. Scopes outside
 * `allowed` are dropped as long as one remains; when none remains, or scope is missing, the
 * answer is invalid_scope. OIDC Core §11: offline_access is dropped unless prompt includes
 * consent and the client may use refresh tokens with the code flow.
 */
export function narrowToAllowed(requested: string | undefined, client: Client, allowed: Set<string>, prompt: string[]): string[] {
  if (requested === undefined) throw new InvalidScope('the scope parameter is required');
  const scopes = parseScope(requested);
  const granted = scopes.filter((scope) => allowed.has(scope));
  const offlineAllowed =
    prompt.includes('consent') &&
    client.metadata.grant_types.includes(GRANT_REFRESH_TOKEN) &&
    client.metadata.response_types.includes('code');
  const result = offlineAllowed ? granted : granted.filter((s) => s !== 'offline_access');
  if (result.length === 0) throw new InvalidScope(`none of the requested scopes can be granted to this client: ${scopes.join(' ')}`);
  return result;
}

/**
 * client_credentials (RFC 6749 §4.4.2) and device authorization (RFC 8628 §3.1): every
 * requested scope must be within `allowed`, else invalid_scope (RFC 6749 §5.2). Without a
 * scope parameter the client gets its registered scopes within `allowed`, or none.
 */
export function refuseUnallowed(requested: string | undefined, client: Client, allowed: Set<string>): string {
  if (requested === undefined) return registeredScopes(client) ? [...allowed].join(' ') : '';
  const scopes = parseScope(requested);
  if (scopes.length === 0) throw new InvalidScope('scope must name at least one scope');
  const refused = scopes.filter((s) => !allowed.has(s));
  if (refused.length > 0) throw new InvalidScope(`scope not allowed for this client: ${refused.join(' ')}`);
  return scopes.join(' ');
}

/**
 * Refresh, RFC 6749 §6: a requested scope must not include any scope not originally granted;
 * it narrows this response only. No (or an empty) scope parameter keeps the granted scope.
 */
export function narrowToGranted(granted: string, requested: string | undefined): string {
  if (requested === undefined) return granted;
  const grantedScopes = granted.split(' ').filter(Boolean);
  const asked = new Set(requested.split(' ').filter(Boolean));
  if (asked.size === 0) return granted;
  const extra = [...asked].filter((s) => !grantedScopes.includes(s));
  if (extra.length > 0) throw new InvalidScope(`scope exceeds the original grant: ${extra.join(' ')}`);
  return grantedScopes.filter((s) => asked.has(s)).join(' ');
}
