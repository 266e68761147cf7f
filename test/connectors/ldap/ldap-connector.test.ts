import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server, type Socket } from 'node:net';
import { Client } from 'ldapts';
import { ldapConnector } from '../../../src/connectors/ldap/ldap-connector.js';
import { escapeDnValue } from '../../../src/connectors/ldap/ldap-escape.js';
import { validateLdapConnector } from '../../../src/connectors/ldap/validate-ldap-connector.js';
import type { LdapConnectorConfig } from '../../../src/connectors/ldap/ldap-connector-config.js';
import type { PasswordCheck } from '../../../src/connectors/password-connector.js';
import { ConfigProblems } from '../../../src/config/config-error.js';
import { BASE_DN, GROUPS_DN, PEOPLE, PEOPLE_DN, READER, startLdapServer, type LdapServer } from '../../support/ldap-server.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** The LDAP connector against a real OpenLDAP (slapd), each answer a directory can give. */
describe('the LDAP connector against slapd', () => {
  let ldap: LdapServer;
  const logged: string[] = [];
  const logger = {
    warn: (fields: object, message: string) => void logged.push(`${message} ${JSON.stringify(fields)}`),
    error: (fields: object, message: string) => void logged.push(`${message} ${JSON.stringify(fields)}`),
  };

  /** A validated connector config: search-then-bind as the reader, groups, disabledFilter. */
  const config = (overrides: Record<string, unknown> = {}): LdapConnectorConfig => {
    const problems = new ConfigProblems();
    const entry = {
      id: 'corp',
      type: 'ldap',
      url: ldap.url,
      bindDn: READER.dn,
      bindPassword: READER.password,
      userSearch: { baseDn: PEOPLE_DN, filter: '(&(objectClass=inetOrgPerson)(uid={{username}}))' },
      groupSearch: { baseDn: GROUPS_DN, filter: '(&(objectClass=groupOfNames)(member={{dn}}))', nameAttribute: 'cn' },
      disabledFilter: '(employeeType=disabled)',
      timeout: 3,
      ...overrides,
    };
    const valid = validateLdapConnector(entry, 'connectors[0]', problems);
    assert.deepEqual(problems.list, []);
    return valid!;
  };
  const check = (username: string, password: string, overrides: Record<string, unknown> = {}): Promise<PasswordCheck> =>
    ldapConnector(config(overrides), logger).checkPassword(username, password);
  const outcome = async (...args: Parameters<typeof check>) => (await check(...args)).outcome;

  before(async () => {
    ldap = await startLdapServer();
  });
  after(() => ldap?.stop());

  it('search then bind: the right password gives the person, keyed by entryUUID, with mail, names and groups', async () => {
    const result = await check('alice', PEOPLE.alice.password);
    assert.equal(result.outcome, 'accepted');
    const { identity } = result;
    assert.match(identity.subject, UUID);
    assert.deepEqual(
      { ...identity, subject: 'uuid' },
      {
        connectorId: 'corp',
        subject: 'uuid',
        username: 'alice',
        email: PEOPLE.alice.mail,
        emailVerified: false,
        name: PEOPLE.alice.name,
        givenName: 'Alice',
        familyName: 'Liddell',
        groups: ['admins', 'developers'],
        amr: ['pwd'],
      },
    );
    const bob = await check('bob', PEOPLE.bob.password, { emailVerified: true });
    assert.deepEqual((bob as { identity: { groups: string[]; emailVerified: boolean } }).identity.groups, ['developers']);
    assert.equal((bob as { identity: { emailVerified: boolean } }).identity.emailVerified, true);
  });

  it('direct bind through a DN template, without a service account: the person reads their own entry', async () => {
    const direct = { bindDn: undefined, bindPassword: undefined, userSearch: undefined, userDnTemplate: `uid={{username}},${PEOPLE_DN}` };
    const result = await check('alice', PEOPLE.alice.password, direct);
    assert.equal(result.outcome, 'accepted');
    assert.equal((result as { identity: { username: string } }).identity.username, 'alice');
    assert.deepEqual((result as { identity: { groups: string[] } }).identity.groups, ['admins', 'developers']);
    assert.equal(await outcome('alice', 'wrong-password', direct), 'rejected');
    assert.equal(await outcome('nobody', 'some-password', direct), 'rejected');
  });

  it('a wrong password and an unknown username are the same answer', async () => {
    assert.deepEqual(await check('alice', 'not-alices-password'), { outcome: 'rejected' });
    assert.deepEqual(await check('mallory', 'any-password'), { outcome: 'rejected' });
  });

  it('an empty password is never sent: the directory would take it as an unauthenticated bind, a success', async () => {
    const raw = new Client({ url: ldap.url });
    await raw.bind(PEOPLE.alice.dn, ''); // what a naive connector would take for "right password"
    await raw.unbind();
    assert.deepEqual(await check('alice', ''), { outcome: 'rejected' });
    assert.deepEqual(await check('alice', '', { userSearch: undefined, userDnTemplate: `uid={{username}},${PEOPLE_DN}` }), {
      outcome: 'rejected',
    });
  });

  it('an entry locked by the password policy is refused like a wrong password; disabledFilter says disabled only after the right password', async () => {
    assert.equal(await outcome('dave', PEOPLE.dave.password), 'rejected');
    assert.equal(await outcome('carol', PEOPLE.carol.password), 'disabled');
    assert.equal(await outcome('carol', 'wrong-password'), 'rejected');
    assert.equal(await outcome('carol', PEOPLE.carol.password, { disabledFilter: undefined }), 'accepted');
  });

  it('filter injection: the username is an escaped value (RFC 4515), never filter syntax', async () => {
    // Unescaped, `al*` would find alice alone and her password would sign in; `*)(uid=*` would match everyone.
    assert.equal(await outcome('al*', PEOPLE.alice.password), 'rejected');
    assert.equal(await outcome('*', PEOPLE.alice.password), 'rejected');
    assert.equal(await outcome('*)(uid=*', PEOPLE.alice.password), 'rejected');
    assert.equal(await outcome('alice)(|(uid=*', PEOPLE.alice.password), 'rejected');
    assert.equal(await outcome('alice\0', PEOPLE.alice.password), 'rejected');
  });

  it('DN injection: the username is one escaped RDN value (RFC 4514), never more of the DN', async () => {
    assert.equal(escapeDnValue('alice,ou=admins'), 'alice\\,ou=admins');
    assert.equal(escapeDnValue('a+cn=b;"<x>"\\'), 'a\\+cn=b\\;\\"\\<x\\>\\"\\\\');
    assert.equal(escapeDnValue('#lead'), '\\#lead');
    assert.equal(escapeDnValue(' both '), '\\ both\\ ');
    assert.equal(escapeDnValue('nul\0'), 'nul\\00');
    const direct = { userSearch: undefined, userDnTemplate: `uid={{username}},${PEOPLE_DN}` };
    assert.equal(await outcome(`alice,ou=people,${BASE_DN}`, PEOPLE.alice.password, direct), 'rejected');
    assert.equal(await outcome('alice+cn=Alice Liddell', PEOPLE.alice.password, direct), 'rejected');
  });

  it('a filter that matches more than one entry signs nobody in, and the operator is told', async () => {
    logged.length = 0;
    const loose = { userSearch: { baseDn: PEOPLE_DN, filter: '(|(uid={{username}})(objectClass=inetOrgPerson))' } };
    assert.equal(await outcome('alice', PEOPLE.alice.password, loose), 'rejected');
    assert.match(logged.join('\n'), /matched more than one entry/);
  });

  it('StartTLS and LDAPS with the directory CA; a certificate from an unknown CA is refused', async () => {
    assert.equal(await outcome('alice', PEOPLE.alice.password, { startTls: true, ca: ldap.caPem }), 'accepted');
    assert.equal(await outcome('alice', PEOPLE.alice.password, { url: ldap.ldapsUrl, tlsCaFile: ldap.caFile }), 'accepted');
    logged.length = 0;
    assert.equal(await outcome('alice', PEOPLE.alice.password, { url: ldap.ldapsUrl }), 'unavailable');
    assert.equal(await outcome('alice', PEOPLE.alice.password, { startTls: true }), 'unavailable');
    assert.match(logged.join('\n'), /LDAP directory unavailable/);
    assert.doesNotMatch(logged.join('\n'), new RegExp(PEOPLE.alice.password));
  });

  it('a service account the directory refuses is a directory problem, not a wrong password', async () => {
    assert.equal(await outcome('alice', PEOPLE.alice.password, { bindPassword: 'not-the-reader-password' }), 'unavailable');
  });

  it('a directory that is down, at a wrong port, or that never answers: unavailable, within the timeout', async () => {
    const closedPort = await new Promise<number>((resolve) => {
      const probe = createServer().listen(0, '127.0.0.1', () => {
        const { port } = probe.address() as { port: number };
        probe.close(() => resolve(port));
      });
    });
    assert.equal(await outcome('alice', PEOPLE.alice.password, { url: `ldap://127.0.0.1:${closedPort}` }), 'unavailable');

    const sockets: Socket[] = [];
    const silent: Server = createServer((socket) => void sockets.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as { port: number };
    try {
      assert.equal(await outcome('alice', PEOPLE.alice.password, { url: `ldap://127.0.0.1:${port}`, timeout: 1 }), 'unavailable');
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => silent.close(resolve));
    }

    // Says yes to StartTLS (RFC 4511 §4.14.2), then never answers the TLS handshake.
    const stalling = createServer((socket) => {
      sockets.push(socket);
      socket.once('data', (request: Buffer) => {
        const messageId = request[4]; // 30 len 02 01 <id>: the StartTLS request's message id
        socket.write(Buffer.from([0x30, 0x0c, 0x02, 0x01, messageId, 0x78, 0x07, 0x0a, 0x01, 0x00, 0x04, 0x00, 0x04, 0x00]));
      });
    });
    await new Promise<void>((resolve) => stalling.listen(0, '127.0.0.1', resolve));
    try {
      const stallingUrl = `ldap://127.0.0.1:${(stalling.address() as { port: number }).port}`;
      assert.equal(await outcome('alice', PEOPLE.alice.password, { url: stallingUrl, startTls: true, timeout: 1 }), 'unavailable');
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => stalling.close(resolve));
    }

    const stopped = await startLdapServer();
    await stopped.stop();
    assert.equal(await outcome('alice', PEOPLE.alice.password, { url: stopped.url }), 'unavailable');
  });
});
