import type { UpstreamIdentity } from './upstream-identity.js';

/**
 * What a directory says of a username and password (LDAP, docs/ldap.md):
 * - accepted: the password is right and the entry may sign in;
 * - rejected: no such person, or a wrong password, or an entry the directory itself refuses
 *   (locked by its password policy): never told apart, so the form is no oracle;
 * - disabled: the password is right but the entry matches the connector's disabledFilter;
 * - unavailable: the directory could not be asked (down, timeout, TLS or service account
 *   failure): nobody is signed in, and the person is told to try again later.
 */
export type PasswordCheck =
  { outcome: 'accepted'; identity: UpstreamIdentity } | { outcome: 'rejected' } | { outcome: 'disabled' } | { outcome: 'unavailable' };

/** A connector that checks passwords typed into Tessera's own sign-in form. */
export interface PasswordConnector {
  id: string;
  /** Create a Tessera user on a person's first sign-in. */
  provision: boolean;
  checkPassword(username: string, password: string): Promise<PasswordCheck>;
}
