import type { RegisteredResource } from './resource.js';

/** The admin API's scopes: reading (every GET) and changing (everything else). */
export const ADMIN_READ = 'admin:read';
export const ADMIN_WRITE = 'admin:write';

/** What the consent page says of each admin scope. */
export const ADMIN_SCOPE_DESCRIPTIONS: Record<string, string> = {
  [ADMIN_READ]: "See this server's applications, users, sessions, signing keys and audit trail",
  [ADMIN_WRITE]: "Change this server's applications, users, sessions and signing keys",
};

export const ADMIN_SCOPES: readonly string[] = [ADMIN_READ, ADMIN_WRITE];

/** The role a person holds to be granted admin scopes (`tessera users grant-admin`). */
export const ADMIN_ROLE = 'admin';

/** The admin API's path under the issuer, and its RFC 8707 resource indicator there. */
export const ADMIN_API_PATH = '/admin/v1';

export function isAdminScope(scope: string): boolean {
  return ADMIN_SCOPES.includes(scope);
}

/**
 * The admin API as a registered resource (RFC 8707): tokens for it carry the admin scopes and
 * nothing else, and no token for any other audience ever carries them (scopeForResource).
 */
export function adminApiResource(issuer: string): RegisteredResource {
  return { identifier: `${issuer}${ADMIN_API_PATH}`, scopes: [...ADMIN_SCOPES] };
}

/**
 * The admin scopes are granted to a person only while they hold the admin role: for anyone
 * else they are dropped from an authorization (RFC 6749 §3.3: the server may grant less).
 */
export function scopesForPerson(scopes: readonly string[], roles: readonly string[]): string[] {
  return roles.includes(ADMIN_ROLE) ? [...scopes] : scopes.filter((scope) => !isAdminScope(scope));
}
