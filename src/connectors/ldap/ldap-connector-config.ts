/** Search scopes a connector may use (RFC 4511 §4.5.1.2). */
export const LDAP_SCOPES = ['base', 'one', 'sub'] as const;
export type LdapScope = (typeof LDAP_SCOPES)[number];

/**
 * One `type: ldap` entry of `connectors`, validated (validate-ldap-connector.ts): sign-in with
 * the normal password form, the directory deciding the password (docs/ldap.md).
 */
export interface LdapConnectorConfig {
  /** The link key's first half: never renamed. */
  id: string;
  type: 'ldap';
  name: string;
  /** Create a Tessera user on a person's first sign-in (JIT). */
  provision: boolean;
  /** ldap://host[:port] or ldaps://host[:port]. */
  url: string;
  /** Upgrade an ldap:// connection with StartTLS (RFC 4511 §4.14) before any bind. */
  startTls: boolean;
  /** PEM of the CAs the directory's certificate must chain to (from `ca` or `tlsCaFile`); none: the system's. */
  ca?: string;
  /** The service account that searches for people (and their groups); none: anonymous search. */
  bindDn?: string;
  bindPassword?: string;
  /** Find the person's entry by a filter, then bind as it. */
  userSearch?: { baseDn: string; filter: string; scope: LdapScope };
  /** Or bind directly as this DN, `{{username}}` filled in escaped (RFC 4514). */
  userDnTemplate?: string;
  /** Which attribute holds what. `subject` must never change for a person (entryUUID, objectGUID). */
  attributes: LdapAttributeMap;
  /** A person's groups: entries under baseDn matching filter (`{{dn}}`, `{{username}}`), named by nameAttribute. */
  groupSearch?: { baseDn: string; filter: string; nameAttribute: string; scope: LdapScope };
  /** An entry that matches this filter cannot sign in (e.g. `(employeeType=disabled)`). */
  disabledFilter?: string;
  /** Whether the directory's mail addresses count as verified (`email_verified`). */
  emailVerified: boolean;
  /** Seconds to wait for a connection and for each operation. */
  timeout: number;
}

export interface LdapAttributeMap {
  subject: string;
  username: string;
  email: string;
  name: string;
  givenName: string;
  familyName: string;
}

export const DEFAULT_LDAP_ATTRIBUTES: LdapAttributeMap = {
  subject: 'entryUUID',
  username: 'uid',
  email: 'mail',
  name: 'cn',
  givenName: 'givenName',
  familyName: 'sn',
};

/** The mark a filter or DN template puts where the typed username goes. */
export const USERNAME_PLACEHOLDER = '{{username}}';
/** The mark a group filter puts where the person's DN goes. */
export const DN_PLACEHOLDER = '{{dn}}';
