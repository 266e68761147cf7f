import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, envName } from '../../src/config/load-config.js';
import { ConfigError } from '../../src/config/config-error.js';
import { defaults } from '../../src/config/defaults.js';

const SECRET = 'a-test-secret-that-is-long-enough-0123456789';
const dir = mkdtempSync(join(tmpdir(), 'tessera-config-'));

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

/** Loads with an isolated environment: only what the test gives. */
function load(env: Record<string, string> = {}, overrides: Record<string, unknown> = {}, configFile?: string) {
  return loadConfig({ env: { TESSERA_SECRET: SECRET, ...env }, overrides, file: configFile });
}

/** Asserts loading fails with a ConfigError naming `setting` and whose message matches. */
function refuses(setting: string, message: RegExp, attempt: () => unknown): void {
  assert.throws(attempt, (err: unknown) => {
    assert.ok(err instanceof ConfigError, `expected a ConfigError, got ${String(err)}`);
    assert.equal(err.setting, setting);
    assert.match(err.message, new RegExp(`^config: ${setting.replace(/[[\]().]/g, '\\$&')}: `));
    assert.match(err.message, message);
    return true;
  });
}

describe('config defaults', () => {
  it('has a documented, safe default for every setting', () => {
    const config = load();
    assert.equal(config.port, 3000);
    assert.equal(config.host, 'localhost');
    assert.equal(config.issuer, 'http://localhost:3000');
    assert.equal(config.databaseUrl, 'sqlite:./data/tessera.db');
    assert.equal(config.workers, 1);
    assert.equal(config.dev, false);
    assert.equal(config.keys.algorithm, 'RS256');
    assert.equal(config.ttl.authorizationCode, 60);
    assert.equal(config.accessTokens.defaultAudience, 'http://localhost:3000', 'the audience defaults to the issuer');
    assert.deepEqual(config.clients, []);
  });

  it('derives the issuer from the port and strips a trailing slash', () => {
    assert.equal(load({ PORT: '4000' }).issuer, 'http://localhost:4000');
    assert.equal(load({ TESSERA_ISSUER: 'https://id.example.com/' }).issuer, 'https://id.example.com');
  });

  it('does not let one load change the defaults of the next', () => {
    load({}, { ttl: { accessToken: 5 } });
    assert.equal(defaults.ttl.accessToken, 3600);
  });
});

describe('config files', () => {
  it('reads JSON', () => {
    const path = file('a.json', JSON.stringify({ port: 4100, ttl: { accessToken: 120 }, pkce: { allowPlain: false } }));
    const config = load({}, {}, path);
    assert.equal(config.port, 4100);
    assert.equal(config.ttl.accessToken, 120);
    assert.equal(config.ttl.idToken, 3600, 'unset nested settings keep their default');
    assert.equal(config.pkce.allowPlain, false);
  });

  it('reads YAML (.yaml and .yml)', () => {
    const text = [
      'issuer: https://id.example.com',
      'ttl:',
      '  accessToken: 300',
      'clients:',
      '  - client_id: app',
      '    redirect_uris: [https://app.example.com/cb]',
      '',
    ].join('\n');
    for (const name of ['b.yaml', 'c.yml']) {
      const config = load({}, {}, file(name, text));
      assert.equal(config.issuer, 'https://id.example.com');
      assert.equal(config.ttl.accessToken, 300);
      assert.equal(config.clients[0].client_id, 'app');
    }
  });

  it('takes the file from TESSERA_CONFIG', () => {
    const path = file('d.json', JSON.stringify({ port: 4200 }));
    assert.equal(load({ TESSERA_CONFIG: path }).port, 4200);
  });

  it('names an unreadable or malformed file', () => {
    refuses('file', /cannot read .*missing\.json: ENOENT/, () => load({}, {}, join(dir, 'missing.json')));
    refuses('file', /is not valid JSON/, () => load({}, {}, file('bad.json', '{ port: ')));
    refuses('file', /is not valid YAML/, () => load({}, {}, file('bad.yaml', 'a: [')));
    refuses('file', /top level must be an object/, () => load({}, {}, file('list.json', '[1]')));
  });
});

describe('environment overrides', () => {
  const path = file('base.json', JSON.stringify({ port: 4300, issuer: 'https://file.example.com', databaseUrl: 'sqlite:/tmp/file.db' }));

  it('PORT, TESSERA_ISSUER, DATABASE_URL and TESSERA_SECRET win over the file', () => {
    const config = load(
      {
        PORT: '4400',
        TESSERA_ISSUER: 'https://env.example.com',
        DATABASE_URL: 'postgres://u@db.example.com/tessera',
        TESSERA_SECRET: 'x'.repeat(40),
      },
      {},
      path,
    );
    assert.equal(config.port, 4400);
    assert.equal(config.issuer, 'https://env.example.com');
    assert.equal(config.databaseUrl, 'postgres://u@db.example.com/tessera');
    assert.equal(config.secret, 'x'.repeat(40));
  });

  it('maps every other setting to TESSERA_<PATH>', () => {
    assert.equal(envName('ttl.accessToken'), 'TESSERA_TTL_ACCESS_TOKEN');
    assert.equal(envName('pkce.allowPlain'), 'TESSERA_PKCE_ALLOW_PLAIN');
    const config = load({
      TESSERA_TTL_ACCESS_TOKEN: '900',
      TESSERA_PKCE_ALLOW_PLAIN: 'false',
      TESSERA_KEYS_ALGORITHM: 'ES256',
      TESSERA_SCOPES: 'billing: See your invoices',
    });
    assert.equal(config.ttl.accessToken, 900);
    assert.equal(config.pkce.allowPlain, false);
    assert.equal(config.keys.algorithm, 'ES256');
    assert.deepEqual(config.scopes, ['billing: See your invoices']);
  });

  it('accepts the long form of the short names too (TESSERA_PORT)', () => {
    assert.equal(load({ TESSERA_PORT: '4500' }).port, 4500);
  });

  it('ignores empty variables', () => {
    assert.equal(load({ PORT: '' }).port, 3000);
  });

  it('refuses values of the wrong type, naming the variable', () => {
    refuses('ttl.accessToken', /TESSERA_TTL_ACCESS_TOKEN="soon" is not a number/, () => load({ TESSERA_TTL_ACCESS_TOKEN: 'soon' }));
    refuses('pkce.allowPlain', /TESSERA_PKCE_ALLOW_PLAIN="maybe" is not a boolean/, () => load({ TESSERA_PKCE_ALLOW_PLAIN: 'maybe' }));
  });
});

describe('bad config stops startup, naming the setting', () => {
  it('an unknown setting (a typo), at any depth', () => {
    refuses('prot', /unknown setting/, () => load({}, { prot: 1 }));
    refuses('ttl.accesToken', /unknown setting/, () => load({}, { ttl: { accesToken: 1 } }));
    refuses('constructor', /unknown setting/, () => load({}, {}, file('proto.json', '{"constructor": 1}')));
  });

  it('a value of the wrong type', () => {
    refuses('port', /must be a number, got string/, () => load({}, {}, file('t1.json', '{"port": "80"}')));
    refuses('ttl', /must be an object/, () => load({}, { ttl: 5 }));
    refuses('clients', /must be an array/, () => load({}, { clients: {} }));
    refuses('dev', /must be a boolean, got null/, () => load({}, { dev: null }));
  });

  it('an issuer that is not an absolute http(s) URL, or has a query or fragment', () => {
    refuses('issuer', /not an absolute URL/, () => load({ TESSERA_ISSUER: 'id.example.com' }));
    refuses('issuer', /http\(s\)/, () => load({ TESSERA_ISSUER: 'ftp://id.example.com' }));
    refuses('issuer', /query or fragment/, () => load({ TESSERA_ISSUER: 'https://id.example.com/?tenant=1' }));
    refuses('issuer', /query or fragment/, () => load({ TESSERA_ISSUER: 'https://id.example.com/#x' }));
    refuses('issuer', /query or fragment/, () => load({ TESSERA_ISSUER: 'https://id.example.com/?' }));
  });

  it('a bad databaseUrl', () => {
    refuses('databaseUrl', /sqlite: or postgres:\/\//, () => load({ DATABASE_URL: 'mysql://db/tessera' }));
    refuses('databaseUrl', /not a valid postgres/, () => load({ DATABASE_URL: 'postgres://[bad' }));
  });

  it('a SQLite driver Tessera does not know', () => {
    refuses('sqliteDriver', /one of auto, node:sqlite, better-sqlite3/, () => load({ TESSERA_SQLITE_DRIVER: 'sqlite3' }));
    assert.equal(load({ TESSERA_SQLITE_DRIVER: 'better-sqlite3' }).sqliteDriver, 'better-sqlite3');
  });

  it('a short secret, and a missing one outside dev mode', () => {
    refuses('secret', /at least 32 characters/, () => load({ TESSERA_SECRET: 'short' }));
    refuses('secret', /required outside dev mode/, () => loadConfig({ env: {} }));
    assert.equal(loadConfig({ env: {}, overrides: { dev: true } }).secret, '', 'dev mode generates its secret later');
  });

  it('a bad port', () => {
    refuses('port', /0 to 65535/, () => load({ PORT: '70000' }));
    refuses('port', /0 to 65535/, () => load({ PORT: '80.5' }));
    refuses('port', /is not a number/, () => load({ PORT: 'http' }));
  });

  it('other bad values', () => {
    refuses('logLevel', /must be one of/, () => load({ LOG_LEVEL: 'loud' }));
    refuses('keys.algorithm', /RS256, ES256, EdDSA/, () => load({ TESSERA_KEYS_ALGORITHM: 'HS256' }));
    refuses('ttl.authorizationCode', /at most 600/, () => load({ TESSERA_TTL_AUTHORIZATION_CODE: '3600' }));
    refuses('ttl.accessToken', /positive whole number/, () => load({ TESSERA_TTL_ACCESS_TOKEN: '0' }));
    refuses('workers', /0 \(one per core\) or more/, () => load({ TESSERA_WORKERS: '-1' }));
    refuses('scopes[0]', /valid scope name/, () => load({}, { scopes: ['bad scope: x'] }));
  });

  it('outbound.allowedHosts: host names, addresses and CIDR ranges, from the file or the environment', () => {
    assert.deepEqual(load({ TESSERA_OUTBOUND_ALLOWED_HOSTS: 'jwks.internal.example,10.1.0.0/16' }).outbound.allowedHosts, [
      'jwks.internal.example',
      '10.1.0.0/16',
    ]);
    refuses('outbound.allowedHosts[1]', /host name, an IP address or a CIDR range/, () =>
      load({}, { outbound: { allowedHosts: ['ok.example', 'https://keys.example/'] } }),
    );
    refuses('outbound.timeout', /at least 1/, () => load({ TESSERA_OUTBOUND_TIMEOUT: '0' }));
    refuses('outbound.maxResponseBytes', /at least 1024/, () => load({ TESSERA_OUTBOUND_MAX_RESPONSE_BYTES: '10' }));
  });

  it('a bad client entry, naming clients[i]', () => {
    const good = { client_id: 'ok', redirect_uris: ['https://ok.example.com/cb'] };
    refuses('clients[1] (web)', /invalid_redirect_uri: .*must use https/, () =>
      load({}, { clients: [good, { client_id: 'web', redirect_uris: ['http://web.example.com/cb'] }] }),
    );
    refuses('clients[0] (app)', /invalid_redirect_uri: .*myapp: scheme is not allowed for a web client/, () =>
      load({}, { clients: [{ client_id: 'app', redirect_uris: ['myapp://cb'] }] }),
    );
    refuses('clients[0] (svc)', /invalid_client_metadata: grant type password is not supported/, () =>
      load({}, { clients: [{ client_id: 'svc', grant_types: ['password'] }] }),
    );
    refuses('clients[0]', /client_id must be/, () => load({}, { clients: [{ redirect_uris: ['https://a.example.com/cb'] }] }));
    refuses('clients[1] (ok)', /declared twice/, () => load({}, { clients: [good, good] }));
    refuses('clients[0] (ok).client_secret', /non-empty string/, () => load({}, { clients: [{ ...good, client_secret: 42 }] }));
    refuses('clients[0]', /must be an object/, () => load({}, { clients: ['ok'] }));
  });

  it('a bad user entry, naming users[i]', () => {
    refuses('users[0].username', /required/, () => load({}, { users: [{ password: 'password1' }] }));
    refuses('users[0].password', /at least 8/, () => load({}, { users: [{ username: 'ada', password: 'short' }] }));
    refuses('users[0].claims', /must be an object/, () => load({}, { users: [{ username: 'ada', password: 'password1', claims: [] }] }));
    refuses('users[0].claims.email_verified', /true or false/, () =>
      load({}, { users: [{ username: 'ada', password: 'password1', claims: { email_verified: 'yes' } }] }),
    );
    refuses('users[0].claims.sub', /reserved/, () =>
      load({}, { users: [{ username: 'ada', password: 'password1', claims: { sub: 'x' } }] }),
    );
    assert.throws(
      () =>
        load(
          {},
          {
            users: [
              { username: 'ada', pasword: 'password1' },
              { username: 'bob', password: 'password1', role: 'x' },
            ],
          },
        ),
      (err: unknown) => {
        assert.ok(err instanceof ConfigError);
        assert.deepEqual(err.problems, [
          { setting: 'users[0].pasword', message: 'unknown setting (did you mean password?)' },
          { setting: 'users[0].password', message: 'is required, at least 8 characters' },
          { setting: 'users[1].role', message: 'unknown setting (a user has username, password and claims)' },
        ]);
        return true;
      },
    );
  });
});

describe('config problems, all at once', () => {
  const problemsOf = (attempt: () => unknown) => {
    try {
      attempt();
    } catch (err) {
      assert.ok(err instanceof ConfigError, String(err));
      return err;
    }
    assert.fail('expected a ConfigError');
  };

  it('reports every problem of the file and the environment in one error, each on its line', () => {
    const configFile = file(
      'many.json',
      JSON.stringify({
        isuer: 'https://id.example.com',
        port: '4631',
        ttl: { accesToken: 900 },
        clients: [{ client_id: 'x', redirect_uris: ['https://x.example.com/cb#frag'] }],
      }),
    );
    const err = problemsOf(() => load({ TESSERA_PKCE_REQUIRED_FOR_ALL: 'yes please', TESSERA_TTL_ACCES_TOKEN: '900' }, {}, configFile));
    assert.deepEqual(
      err.problems.map((p) => p.setting),
      ['isuer', 'ttl.accesToken', 'TESSERA_TTL_ACCES_TOKEN', 'pkce.requiredForAll', 'port', 'clients[0] (x)'],
    );
    assert.match(err.message, /^config: 6 problems:\n {2}isuer: unknown setting \(did you mean issuer\?\)\n/);
    assert.match(err.message, /\n {2}ttl\.accesToken: unknown setting \(did you mean ttl\.accessToken\?\)\n/);
    assert.match(err.message, /\n {2}TESSERA_TTL_ACCES_TOKEN: unknown environment variable \(did you mean TESSERA_TTL_ACCESS_TOKEN\?\)\n/);
    assert.match(err.message, /\n {2}pkce\.requiredForAll: TESSERA_PKCE_REQUIRED_FOR_ALL="yes please" is not a boolean/);
    assert.match(err.message, /\n {2}port: must be a number, got string\n/);
    assert.match(err.message, /\n {2}clients\[0\] \(x\): invalid_redirect_uri: .*fragment/);
  });

  it('suggests only a close name, and ignores case', () => {
    assert.equal(
      problemsOf(() => load({}, { databaseURL: 'sqlite::memory:' })).problems[0].message,
      'unknown setting (did you mean databaseUrl?)',
    );
    assert.equal(problemsOf(() => load({}, { colour: 'blue' })).problems[0].message, 'unknown setting');
    assert.equal(
      problemsOf(() => load({ TESSERA_SECERT: 'x'.repeat(40) })).problems[0].message,
      'unknown environment variable (did you mean TESSERA_SECRET?)',
    );
  });

  it('leaves alone a TESSERA_ variable that resembles no setting (the environment is shared with other tools)', () => {
    assert.equal(load({ TESSERA_FAVOURITE_COLOUR: 'blue', TESSERA_CI_TOOLS: '/tmp/tools' }).port, 3000);
  });

  it('knows every variable it reads: the TESSERA_ forms of short names, TESSERA_CONFIG', () => {
    assert.equal(load({ TESSERA_DATABASE_URL: 'sqlite::memory:', TESSERA_LOG_FORMAT: 'json', TESSERA_PORT: '4000' }).port, 4000);
    assert.equal(load({ TESSERA_CONFIG: '' }).port, 3000);
  });
});

describe('PAR, request object, JARM and FAPI settings', () => {
  it('default on (PAR, request objects, JARM), nothing required, no FAPI for all', () => {
    const config = load();
    assert.deepEqual(
      [config.par, config.requestObjects, config.jarm, config.fapi, config.ttl.pushedRequest],
      [{ enabled: true, required: false }, { enabled: true, required: false }, { enabled: true }, { profile: '' }, 60],
    );
  });
  it('each from its environment variable', () => {
    const config = load({
      TESSERA_PAR_REQUIRED: 'true',
      TESSERA_REQUEST_OBJECTS_ENABLED: 'false',
      TESSERA_JARM_ENABLED: 'false',
      TESSERA_FAPI_PROFILE: '2.0',
      TESSERA_TTL_PUSHED_REQUEST: '30',
    });
    assert.equal(config.par.required, true);
    assert.equal(config.requestObjects.enabled, false);
    assert.equal(config.jarm.enabled, false);
    assert.equal(config.fapi.profile, '2.0');
    assert.equal(config.ttl.pushedRequest, 30);
  });
  it('refuses an unknown FAPI profile and a long-lived request_uri', () => {
    refuses('fapi.profile', /2\.0 or empty/, () => load({ TESSERA_FAPI_PROFILE: '1.0' }));
    refuses('ttl.pushedRequest', /at most 600/, () => load({ TESSERA_TTL_PUSHED_REQUEST: '3600' }));
  });
});
