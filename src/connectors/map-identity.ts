import type { ClaimMapping } from './connector-settings.js';
import type { UpstreamIdentity } from './upstream-identity.js';
import { UpstreamError } from './upstream-error.js';

/**
 * Reads an UpstreamIdentity out of what the upstream said (ID token claims with userinfo, or a
 * user API's answer), by the connector's claim mapping. A mapping names a claim, or a dotted
 * path into nested objects (`profile.email`); an empty name leaves the field unmapped. The
 * subject must be there (a string or a number, as GitHub's ids are): it is the link key.
 */
export function mapIdentity(
  connectorId: string,
  claims: Record<string, unknown>,
  mapping: ClaimMapping,
  extra: { amr: string[]; emailVerified?: boolean },
): UpstreamIdentity {
  const subject = read(claims, mapping.subject);
  if ((typeof subject !== 'string' && typeof subject !== 'number') || String(subject) === '')
    throw new UpstreamError('invalid', `the upstream gave no subject (claim ${mapping.subject})`);
  const text = (path: string) => {
    const value = read(claims, path);
    return typeof value === 'string' && value.trim() !== '' ? value : undefined;
  };
  const groups = read(claims, mapping.groups);
  const verified = extra.emailVerified ?? read(claims, mapping.emailVerified);
  return {
    connectorId,
    subject: String(subject),
    username: text(mapping.username),
    email: text(mapping.email),
    // Only a real `true` counts: "true" as a string, or an absent claim, is not a verification.
    emailVerified: verified === true,
    name: text(mapping.name),
    givenName: text(mapping.givenName),
    familyName: text(mapping.familyName),
    picture: text(mapping.picture),
    groups: Array.isArray(groups) ? groups.filter((g): g is string => typeof g === 'string') : typeof groups === 'string' ? [groups] : [],
    amr: extra.amr,
  };
}

function read(claims: Record<string, unknown>, path: string): unknown {
  if (!path) return undefined;
  // A claim named with dots (a URI, as some upstreams name theirs) is read whole first.
  if (Object.hasOwn(claims, path)) return claims[path];
  let value: unknown = claims;
  for (const part of path.split('.')) {
    if (value === null || typeof value !== 'object' || Array.isArray(value) || !Object.hasOwn(value, part)) return undefined;
    value = (value as Record<string, unknown>)[part];
  }
  return value;
}
