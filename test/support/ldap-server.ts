import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Client } from 'ldapts';

const run = promisify(execFile);

/** Debian puts slapd in /usr/sbin, which a non-root PATH may lack. */
const SLAPD = '/usr/sbin/slapd';
const SLAPADD = '/usr/sbin/slapadd';

export const BASE_DN = 'dc=example,dc=org';
export const PEOPLE_DN = `ou=people,${BASE_DN}`;
export const GROUPS_DN = `ou=groups,${BASE_DN}`;
/** The service account the search-then-bind connector reads the directory as. */
export const READER = { dn: `cn=reader,${BASE_DN}`, password: 'reader-secret' };
const ADMIN = { dn: `cn=admin,${BASE_DN}`, password: 'admin-secret' };

/** The people of the test directory; `dn` is theirs, `password` their userPassword. */
export const PEOPLE = {
  alice: { dn: `uid=alice,${PEOPLE_DN}`, password: 'alice-directory-password', mail: 'alice@example.org', name: 'Alice Liddell' },
  bob: { dn: `uid=bob,${PEOPLE_DN}`, password: 'bob-directory-password', mail: 'bob@example.org', name: 'Bob Builder' },
  /** employeeType: disabled (what a connector's disabledFilter can read). */
  carol: { dn: `uid=carol,${PEOPLE_DN}`, password: 'carol-directory-password', mail: 'carol@example.org', name: 'Carol Danvers' },
  /** Locked by the password policy overlay (pwdAccountLockedTime): the directory refuses her bind. */
  dave: { dn: `uid=dave,${PEOPLE_DN}`, password: 'dave-directory-password', mail: 'dave@example.org', name: 'Dave Lister' },
};

export interface LdapServer {
  /** ldap:// (StartTLS offered) */
  url: string;
  /** ldaps:// */
  ldapsUrl: string;
  /** The PEM of the CA that signed the server's certificate, and a file holding it. */
  caPem: string;
  caFile: string;
  /** Changes an entry as the directory's administrator. */
  admin<T>(work: (client: Client) => Promise<T>): Promise<T>;
  /** Stops slapd (the ports refuse from then on) and removes its files. */
  stop(): Promise<void>;
}

/**
 * A private OpenLDAP for one test file: its own folder, a generated slapd.conf (mdb backend,
 * password policy overlay), a CA and a server certificate for 127.0.0.1/localhost made with
 * openssl, a small directory (ou=people, ou=groups with groupOfNames), on two free ports
 * (ldap:// with StartTLS, and ldaps://). Never touches the system's slapd or /etc/ldap/slapd.d.
 */
export async function startLdapServer(): Promise<LdapServer> {
  const dir = mkdtempSync(join(tmpdir(), 'tessera-slapd-'));
  mkdirSync(join(dir, 'db'));
  const tls = await makeCertificates(dir);
  writeFileSync(join(dir, 'slapd.conf'), slapdConf(dir, tls));
  writeFileSync(join(dir, 'directory.ldif'), DIRECTORY_LDIF);
  await run(SLAPADD, ['-q', '-f', join(dir, 'slapd.conf'), '-l', join(dir, 'directory.ldif')]);

  for (let attempt = 1; ; attempt++) {
    const [port, securePort] = await freePorts(2);
    const url = `ldap://127.0.0.1:${port}`;
    const ldapsUrl = `ldaps://127.0.0.1:${securePort}`;
    // -d 0: stays in the foreground, so the test owns the process and ends it.
    const slapd = spawn(SLAPD, ['-f', join(dir, 'slapd.conf'), '-h', `${url}/ ${ldapsUrl}/`, '-d', '0'], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let log = '';
    slapd.stderr.on('data', (chunk: Buffer) => (log += chunk.toString()));
    if (await ready(url, slapd)) {
      const stop = async () => {
        await stopProcess(slapd);
        rmSync(dir, { recursive: true, force: true });
      };
      const admin = async <T>(work: (client: Client) => Promise<T>) => {
        const client = new Client({ url, timeout: 5000, connectTimeout: 5000 });
        try {
          await client.bind(ADMIN.dn, ADMIN.password);
          return await work(client);
        } finally {
          await client.unbind();
        }
      };
      return { url, ldapsUrl, caPem: readFileSync(tls.caFile, 'utf8'), caFile: tls.caFile, admin, stop };
    }
    await stopProcess(slapd);
    // A port taken between the probe and slapd's bind: try two other ports.
    if (attempt === 3) {
      rmSync(dir, { recursive: true, force: true });
      throw new Error(`slapd did not start: ${log}`);
    }
  }
}

interface TlsFiles {
  caFile: string;
  certFile: string;
  keyFile: string;
}

/** A CA and a server certificate it signed, for 127.0.0.1 and localhost. */
async function makeCertificates(dir: string): Promise<TlsFiles> {
  const file = (name: string) => join(dir, name);
  await run(
    'openssl',
    ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '2'].concat([
      '-subj',
      '/CN=Tessera test LDAP CA',
      '-keyout',
      file('ca.key'),
      '-out',
      file('ca.pem'),
    ]),
  );
  await run(
    'openssl',
    ['req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'].concat([
      '-subj',
      '/CN=localhost',
      '-keyout',
      file('server.key'),
      '-out',
      file('server.csr'),
    ]),
  );
  writeFileSync(file('server.ext'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n');
  await run(
    'openssl',
    ['x509', '-req', '-in', file('server.csr'), '-CA', file('ca.pem'), '-CAkey', file('ca.key')].concat([
      '-CAcreateserial',
      '-days',
      '2',
      '-extfile',
      file('server.ext'),
      '-out',
      file('server.pem'),
    ]),
  );
  return { caFile: file('ca.pem'), certFile: file('server.pem'), keyFile: file('server.key') };
}

function slapdConf(dir: string, tls: TlsFiles): string {
  return `include /etc/ldap/schema/core.schema
include /etc/ldap/schema/cosine.schema
include /etc/ldap/schema/inetorgperson.schema
include /etc/ldap/schema/nis.schema
modulepath /usr/lib/ldap
moduleload back_mdb
moduleload ppolicy
pidfile ${join(dir, 'slapd.pid')}
TLSCACertificateFile ${tls.caFile}
TLSCertificateFile ${tls.certFile}
TLSCertificateKeyFile ${tls.keyFile}
# Like the lenient servers a connector meets: a DN with an empty password binds unauthenticated,
# successfully (RFC 4513 §5.1.2), which is why the connector never sends an empty password.
allow bind_anon_dn

database mdb
suffix "${BASE_DN}"
rootdn "${ADMIN.dn}"
rootpw ${ADMIN.password}
directory ${join(dir, 'db')}
maxsize 16777216
overlay ppolicy
ppolicy_default "cn=default,ou=policies,${BASE_DN}"

# Passwords: only for binding. Entries: the reader and the admin read all, a person reads their
# own entry and the groups, nobody anonymous searches (a connector must bind as its service account).
access to attrs=userPassword
  by anonymous auth
  by * none
access to dn.subtree="${GROUPS_DN}"
  by users read
  by * none
access to *
  by dn.exact="${READER.dn}" read
  by self read
  by * none
`;
}

const person = (uid: keyof typeof PEOPLE, extra = '') => {
  const p = PEOPLE[uid];
  const [given, family] = p.name.split(' ');
  return `dn: ${p.dn}
objectClass: inetOrgPerson
uid: ${uid}
cn: ${p.name}
givenName: ${given}
sn: ${family}
mail: ${p.mail}
userPassword: ${p.password}
${extra}`;
};

const DIRECTORY_LDIF = `dn: ${BASE_DN}
objectClass: dcObject
objectClass: organization
o: Example
dc: example

dn: ${READER.dn}
objectClass: applicationProcess
objectClass: simpleSecurityObject
cn: reader
userPassword: ${READER.password}

dn: ou=policies,${BASE_DN}
objectClass: organizationalUnit
ou: policies

dn: cn=default,ou=policies,${BASE_DN}
objectClass: applicationProcess
objectClass: pwdPolicy
cn: default
pwdAttribute: userPassword
pwdLockout: TRUE

dn: ${PEOPLE_DN}
objectClass: organizationalUnit
ou: people

${person('alice')}
${person('bob')}
${person('carol', 'employeeType: disabled\n')}
${person('dave', 'pwdAccountLockedTime: 000001010000Z\n')}
dn: ${GROUPS_DN}
objectClass: organizationalUnit
ou: groups

dn: cn=developers,${GROUPS_DN}
objectClass: groupOfNames
cn: developers
member: ${PEOPLE.alice.dn}
member: ${PEOPLE.bob.dn}

dn: cn=admins,${GROUPS_DN}
objectClass: groupOfNames
cn: admins
member: ${PEOPLE.alice.dn}
`;

/** Ports free a moment ago (the OS hands out each once, so two at once differ). */
async function freePorts(count: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from(
      { length: count },
      () =>
        new Promise<ReturnType<typeof createServer>>((resolve) => {
          const server = createServer();
          server.listen(0, '127.0.0.1', () => resolve(server));
        }),
    ),
  );
  const ports = servers.map((s) => (s.address() as { port: number }).port);
  await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
  return ports;
}

/** Waits until slapd answers a bind (or has exited). */
async function ready(url: string, slapd: ChildProcess): Promise<boolean> {
  for (let i = 0; i < 100; i++) {
    if (slapd.exitCode !== null) return false;
    const client = new Client({ url, timeout: 1000, connectTimeout: 1000 });
    try {
      await client.bind(READER.dn, READER.password);
      await client.unbind();
      return true;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  return false;
}

async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
  await exited;
  clearTimeout(timer);
}
