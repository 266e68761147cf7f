import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../../src/config/load-config.js';
import { ConfigError } from '../../../src/config/config-error.js';
import { readLdapConnectors } from '../../../src/connectors/ldap/read-ldap-connectors.js';
import { ConfigProblems } from '../../../src/config/config-error.js';
import { TEST_SECRET } from '../../support/test-provider.js';

const SEARCH = { baseDn: 'ou=people,dc=example,dc=org', filter: '(uid={{username}})' };
const VALID = { id: 'corp', type: 'ldap', url: 'ldaps://ldap.example.org', userSearch: SEARCH };

/** The problems startup reports for these connectors, as `setting: message` lines. */
function problemsOf(connectors: unknown[], env: Record<string, string> = {}): string[] {
  try {
    loadConfig({ env: { ...env, TESSERA_CONNECTORS: JSON.stringify(connectors) }, overrides: { secret: TEST_SECRET } });
    return [];
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    return err.problems.map((p) => `${p.setting}: ${p.message}`);
  }
}

describe('ldap connector settings', () => {
  it('a minimal entry gets its safe defaults', () => {
    const problems = new ConfigProblems();
    const [read] = readLdapConnectors([VALID], problems);
    assert.deepEqual(problems.list, []);
    assert.deepEqual(read, {
      id: 'corp',
      type: 'ldap',
      name: 'corp',
      provision: true,
      url: 'ldaps://ldap.example.org',
      startTls: false,
      ca: undefined,
      bindDn: undefined,
      bindPassword: undefined,
      userSearch: { ...SEARCH, scope: 'sub' },
      userDnTemplate: undefined,
      attributes: { subject: 'entryUUID', username: 'uid', email: 'mail', name: 'cn', givenName: 'givenName', familyName: 'sn' },
      groupSearch: undefined,
      disabledFilter: undefined,
      emailVerified: false,
      timeout: 10,
    });
  });

  it('TESSERA_CONNECTORS carries the list; the service password can come from its own variable', () => {
    const problems = new ConfigProblems();
    const entry = { ...VALID, bindDn: 'cn=reader,dc=example,dc=org', bindPasswordEnv: 'CORP_LDAP_PASSWORD' };
    const [read] = readLdapConnectors([entry], problems, { CORP_LDAP_PASSWORD: 'from-the-environment' });
    assert.equal(read.bindPassword, 'from-the-environment');
    assert.deepEqual(problemsOf([entry]), [], 'the file is checked; the variable is read when the connectors are built');
    const unset = new ConfigProblems();
    readLdapConnectors([entry], unset, {});
    assert.deepEqual(unset.list, [
      { setting: 'connectors[0] (corp).bindPasswordEnv', message: 'names CORP_LDAP_PASSWORD, which is not set' },
    ]);
    assert.deepEqual(problemsOf([{ ...entry, bindPasswordEnv: 'NOT A NAME' }]), [
      'connectors[0] (corp).bindPasswordEnv: must be an environment variable name',
    ]);
  });

  it('a CA file is read at startup; one that is missing or not PEM is a start error', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tessera-ldap-ca-'));
    writeFileSync(join(dir, 'ca.pem'), '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n');
    writeFileSync(join(dir, 'not.pem'), 'hello');
    const problems = new ConfigProblems();
    const [read] = readLdapConnectors([{ ...VALID, tlsCaFile: join(dir, 'ca.pem') }], problems);
    assert.match(read.ca!, /BEGIN CERTIFICATE/);
    assert.deepEqual(problemsOf([{ ...VALID, tlsCaFile: join(dir, 'missing.pem') }]), [
      `connectors[0] (corp).tlsCaFile: cannot read ${join(dir, 'missing.pem')}: ENOENT`,
    ]);
    assert.deepEqual(problemsOf([{ ...VALID, tlsCaFile: join(dir, 'not.pem') }]), [
      `connectors[0] (corp).tlsCaFile: ${join(dir, 'not.pem')} holds no PEM certificate`,
    ]);
  });

  it('every mistake is named at startup, all at once', () => {
    assert.deepEqual(
      problemsOf([
        {
          id: 'corp',
          type: 'ldap',
          url: 'http://ldap.example.org',
          userSearch: { baseDn: '', filter: '(uid=alice)', scop: 'sub' },
          userDnTemplate: 'uid=x,dc=example,dc=org',
          groupSearch: { baseDn: 'ou=groups,dc=example,dc=org', filter: 'member={{dn}' },
          disabledFilter: 'employeeType=disabled',
          attributes: { subjet: 'entryUUID', email: 7 },
          timeout: 0,
          bindPasword: 'x',
        },
      ]),
      [
        'connectors[0] (corp).bindPasword: unknown setting (did you mean bindPassword?)',
        'connectors[0] (corp).url: must start with ldap:// or ldaps://',
        'connectors[0] (corp).userSearch.scop: unknown setting (did you mean scope?)',
        'connectors[0] (corp).userSearch.baseDn: is required',
        'connectors[0] (corp).userSearch.filter: must contain {{username}}, e.g. (uid={{username}})',
        'connectors[0] (corp).userDnTemplate: give userSearch or userDnTemplate, not both',
        'connectors[0] (corp).userDnTemplate: must contain {{username}}, e.g. uid={{username}},ou=people,dc=example,dc=org',
        'connectors[0] (corp).attributes.subjet: unknown setting (did you mean subject?)',
        'connectors[0] (corp).attributes.email: must be an attribute name',
        'connectors[0] (corp).groupSearch.filter: must contain {{dn}} or {{username}}, e.g. (member={{dn}})',
        'connectors[0] (corp).disabledFilter: is not an LDAP filter (RFC 4515), e.g. (employeeType=disabled)',
        'connectors[0] (corp).timeout: must be a whole number of seconds from 1 to 120',
      ],
    );
  });

  it('passwords never cross a network in the clear unless the operator says so', () => {
    const plain = { ...VALID, url: 'ldap://ldap.example.org' };
    assert.deepEqual(problemsOf([plain]), [
      'connectors[0] (corp).url: sends passwords in the clear: use ldaps://, or startTls: true (or allowPlaintext: true on a network you trust)',
    ]);
    assert.deepEqual(problemsOf([{ ...plain, startTls: true }]), []);
    assert.deepEqual(problemsOf([{ ...plain, allowPlaintext: true }]), []);
    assert.deepEqual(problemsOf([{ ...plain, url: 'ldap://127.0.0.1:3389' }]), []);
    assert.deepEqual(problemsOf([{ ...VALID, startTls: true }]), [
      'connectors[0] (corp).startTls: is for ldap:// URLs: ldaps:// is TLS from the start',
    ]);
    assert.deepEqual(problemsOf([{ ...plain, url: 'ldap://127.0.0.1:3389', ca: '-----BEGIN CERTIFICATE-----' }]), [
      'connectors[0] (corp).ca: is for TLS: use an ldaps:// URL or startTls: true',
    ]);
    assert.deepEqual(problemsOf([{ ...VALID, url: 'ldaps://ldap.example.org/dc=example,dc=org' }]), [
      'connectors[0] (corp).url: must be only scheme, host and port (the base DN goes in userSearch.baseDn)',
    ]);
  });

  it('neither a search nor a DN template; a bind DN without its password; ids shared with other connectors', () => {
    assert.deepEqual(problemsOf([{ id: 'corp', type: 'ldap', url: 'ldaps://ldap.example.org', bindDn: 'cn=reader,dc=example,dc=org' }]), [
      'connectors[0] (corp).bindPassword: is required with bindDn (or bindPasswordEnv)',
      'connectors[0] (corp).userSearch: one of userSearch { baseDn, filter } or userDnTemplate is required',
    ]);
    assert.deepEqual(problemsOf([VALID, { ...VALID, userSearch: undefined, userDnTemplate: 'uid={{username}},dc=example,dc=org' }]), [
      'connectors[1] (corp).id: is declared twice',
    ]);
    assert.deepEqual(problemsOf([{ ...VALID, id: 'Corp Directory' }]), [
      'connectors[0] (Corp Directory).id: is required: 1 to 40 of a-z 0-9 -',
    ]);
  });
});
