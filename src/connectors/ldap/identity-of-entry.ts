import type { Entry } from 'ldapts';
import type { UpstreamIdentity } from '../upstream-identity.js';
import type { LdapConnectorConfig } from './ldap-connector-config.js';

/**
 * A directory entry as the person Tessera links and maps (contracts.md, UpstreamIdentity): the
 * subject attribute is the link key (entryUUID survives a renamed uid or a changed mail), the
 * other attributes only suggest the new user's username and fill their claims.
 */
export function identityOfEntry(
  config: Pick<LdapConnectorConfig, 'id' | 'attributes' | 'emailVerified'>,
  entry: Entry,
  groups: string[],
): UpstreamIdentity | undefined {
  const { attributes } = config;
  const subject = subjectOf(entry, attributes.subject);
  if (!subject) return undefined;
  const email = first(entry, attributes.email);
  return {
    connectorId: config.id,
    subject,
    username: first(entry, attributes.username),
    email,
    emailVerified: email !== undefined && config.emailVerified,
    name: first(entry, attributes.name),
    givenName: first(entry, attributes.givenName),
    familyName: first(entry, attributes.familyName),
    groups,
    // RFC 8176 §2: the person typed a password (the directory's).
    amr: ['pwd'],
  };
}

/** The attributes a sign-in reads: the mapped ones (the subject as bytes, see subjectOf). */
export function mappedAttributes(config: Pick<LdapConnectorConfig, 'attributes'>): string[] {
  return [...new Set<string>(Object.values(config.attributes))];
}

/** An attribute's values, whatever case the server spells its name in. */
export function values(entry: Entry, attribute: string): (string | Buffer)[] {
  const key = Object.keys(entry).find((k) => k.toLowerCase() === attribute.toLowerCase());
  if (key === undefined || key === 'dn') return [];
  const value = entry[key];
  return Array.isArray(value) ? value : [value];
}

function first(entry: Entry, attribute: string): string | undefined {
  const value = values(entry, attribute).find((v) => (typeof v === 'string' ? v.trim() !== '' : v.length > 0));
  return value === undefined ? undefined : typeof value === 'string' ? value : value.toString('utf8');
}

/**
 * The subject as text: a string attribute as it is (entryUUID, nsUniqueId); Active Directory's
 * binary objectGUID in its usual GUID form (the first three groups little-endian); other bytes as hex.
 */
function subjectOf(entry: Entry, attribute: string): string | undefined {
  const [value] = values(entry, attribute);
  if (value === undefined) return undefined;
  if (typeof value === 'string') return value.trim() || undefined;
  if (attribute.toLowerCase() === 'objectguid' && value.length === 16) {
    const le = (from: number, to: number) => hex(Buffer.from(value.subarray(from, to)).reverse());
    return `${le(0, 4)}-${le(4, 6)}-${le(6, 8)}-${hex(value.subarray(8, 10))}-${hex(value.subarray(10, 16))}`;
  }
  const text = new TextDecoder('utf-8', { fatal: false }).decode(value);
  return /^[\x20-\x7e]+$/.test(text) ? text : hex(value);
}

function hex(bytes: Buffer): string {
  return bytes.toString('hex');
}
