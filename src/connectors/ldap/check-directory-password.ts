import type { Client, Entry } from 'ldapts';
import type { LdapConnectorConfig } from './ldap-connector-config.js';
import { closeDirectory, openDirectory } from './open-directory.js';
import { fillDnTemplate, fillFilter } from './ldap-escape.js';
import { mappedAttributes, values } from './identity-of-entry.js';

/** What the directory answered; anything else (down, timeout, TLS, a refused service account) is thrown. */
export type DirectoryAnswer =
  | { outcome: 'accepted'; entry: Entry; groups: string[] }
  | { outcome: 'rejected'; why: 'no-password' | 'bad-username' | 'no-entry' | 'ambiguous' | 'refused-bind' }
  | { outcome: 'disabled'; dn: string };

/**
 * Result codes of the person's own bind that mean "not with this password" (RFC 4511 Appendix A):
 * invalidCredentials (49; also a policy-locked entry, pwdAccountLockedTime), inappropriateAuthentication (48),
 * unwillingToPerform (53; 389-ds and others for an inactivated account), noSuchObject (32), invalidDNSyntax (34).
 */
const REFUSED_BIND = new Set([32, 34, 48, 49, 53]);

/**
 * Checks a username and password against the directory, in the steps of a search-then-bind
 * (or direct-bind) LDAP sign-in:
 * 1. no password, no bind: a simple bind with an empty password is an unauthenticated bind,
 *    which a server answers with success (RFC 4513 §5.1.2);
 * 2. connect (TLS first), bind as the service account if there is one;
 * 3. find the entry: search with the username escaped into the filter (RFC 4515 §3), exactly one
 *    match; or the DN template with the username escaped as a DN value (RFC 4514 §2.4);
 * 4. bind as the entry with the password: the directory decides (its password policy included);
 * 5. back as the service account: read the entry, its disabledFilter, its groups.
 */
export async function checkDirectoryPassword(config: LdapConnectorConfig, username: string, password: string): Promise<DirectoryAnswer> {
  if (password === '') return { outcome: 'rejected', why: 'no-password' };
  // eslint-disable-next-line no-control-regex -- a name with control characters names nobody
  if (username === '' || username.length > 256 || /[\x00-\x1f\x7f]/.test(username)) return { outcome: 'rejected', why: 'bad-username' };

  const client = await openDirectory(config);
  try {
    const asService = async () => {
      if (config.bindDn) await client.bind(config.bindDn, config.bindPassword);
    };
    await asService();

    let dn: string;
    let entry: Entry | undefined;
    if (config.userSearch) {
      const found = await findEntries(
        client,
        config,
        config.userSearch.baseDn,
        fillFilter(config.userSearch.filter, { username }),
        config.userSearch.scope,
      );
      if (found === 'too-many' || found.length > 1) return { outcome: 'rejected', why: 'ambiguous' };
      if (found.length === 0) return { outcome: 'rejected', why: 'no-entry' };
      entry = found[0];
      dn = entry.dn;
    } else {
      dn = fillDnTemplate(config.userDnTemplate!, username);
    }

    try {
      await client.bind(dn, password);
    } catch (err) {
      if (REFUSED_BIND.has((err as { code?: unknown }).code as number)) return { outcome: 'rejected', why: 'refused-bind' };
      throw err;
    }
    await asService();

    if (!entry) {
      const found = await findEntries(client, config, dn, '(objectClass=*)', 'base');
      if (found === 'too-many' || found.length !== 1) throw new Error(`the entry ${dn} bound but cannot be read`);
      entry = found[0];
    }
    if (config.disabledFilter) {
      const { searchEntries } = await client.search(dn, { scope: 'base', filter: config.disabledFilter, attributes: ['1.1'] });
      if (searchEntries.length > 0) return { outcome: 'disabled', dn };
    }
    return { outcome: 'accepted', entry, groups: await groupsOf(client, config, entry) };
  } finally {
    await closeDirectory(client);
  }
}

/** Entries matching the filter with the mapped attributes (the subject as bytes); 'too-many' past two. */
async function findEntries(
  client: Client,
  config: LdapConnectorConfig,
  baseDn: string,
  filter: string,
  scope: 'base' | 'one' | 'sub',
): Promise<Entry[] | 'too-many'> {
  try {
    const { searchEntries } = await client.search(baseDn, {
      scope,
      filter,
      sizeLimit: 2,
      attributes: mappedAttributes(config),
      explicitBufferAttributes: [config.attributes.subject],
    });
    return searchEntries;
  } catch (err) {
    // sizeLimitExceeded (4): the filter matched more than one person.
    if ((err as { code?: unknown }).code === 4) return 'too-many';
    throw err;
  }
}

/** The names of the groups the entry is in (groupSearch), sorted, each once. */
async function groupsOf(client: Client, config: LdapConnectorConfig, entry: Entry): Promise<string[]> {
  const search = config.groupSearch;
  if (!search) return [];
  const [uid] = values(entry, config.attributes.username);
  const filter = fillFilter(search.filter, { dn: entry.dn, username: uid === undefined ? '' : String(uid) });
  const { searchEntries } = await client.search(search.baseDn, { scope: search.scope, filter, attributes: [search.nameAttribute] });
  const names = searchEntries.flatMap((group) => values(group, search.nameAttribute).map(String));
  return [...new Set(names)].sort();
}
