import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../src/config/load-config.js';
import { ConfigError } from '../../src/config/config-error.js';
import { readConnectors } from '../../src/connectors/read-connectors.js';

const SECRET = 'a-test-secret-that-is-long-enough-0123456789';

function problemsOf(connectors: unknown[]): string[] {
  try {
    loadConfig({ env: { TESSERA_SECRET: SECRET }, overrides: { connectors } });
    return [];
  } catch (err) {
    assert.ok(err instanceof ConfigError, String(err));
    return err.problems.map((p) => `${p.setting}: ${p.message}`);
  }
}

function settingsOf(connectors: unknown[]) {
  const problems: string[] = [];
  const read = readConnectors(connectors, (setting, message) => problems.push(`${setting}: ${message}`));
  assert.deepEqual(problems, []);
  return read;
}

describe('connectors setting', () => {
  it('has none by default, and reads a list from the file and TESSERA_CONNECTORS (which wins)', () => {
    assert.deepEqual(loadConfig({ env: { TESSERA_SECRET: SECRET } }).connectors, []);
    const dir = mkdtempSync(join(tmpdir(), 'tessera-connectors-'));
    const file = join(dir, 'config.yaml');
    writeFileSync(file, 'connectors:\n  - { id: corp, type: oidc, issuer: "https://sso.corp.example", clientId: tessera }\n');
    assert.equal(loadConfig({ env: { TESSERA_SECRET: SECRET }, file }).connectors[0].id, 'corp');
    const fromEnv = loadConfig({
      env: {
        TESSERA_SECRET: SECRET,
        TESSERA_CONNECTORS: JSON.stringify([{ id: 'gh', type: 'github', clientId: 'x', clientSecretEnv: 'GH_SECRET' }]),
      },
      file,
    });
    assert.deepEqual(
      fromEnv.connectors.map((c) => c.id),
      ['gh'],
    );
  });

  it('applies presets: Google, Microsoft by tenant, GitHub (and Enterprise), GitLab self-hosted', () => {
    const [google, entra, common, github, ghes, gitlab] = settingsOf([
      { id: 'google', type: 'google', clientId: 'g' },
      { id: 'entra', type: 'microsoft', clientId: 'm', tenant: 'contoso.onmicrosoft.com' },
      { id: 'ms', type: 'microsoft', clientId: 'm' },
      { id: 'github', type: 'github', clientId: 'h', clientSecret: 's' },
      { id: 'ghes', type: 'github', clientId: 'h', clientSecret: 's', url: 'https://git.corp.example/' },
      { id: 'gitlab', type: 'gitlab', clientId: 'l', url: 'https://gitlab.corp.example' },
    ]);
    assert.equal(google.issuer, 'https://accounts.google.com');
    assert.equal(google.protocol, 'oidc');
    assert.deepEqual(google.scopes, ['openid', 'email', 'profile']);
    assert.equal(entra.issuer, 'https://login.microsoftonline.com/contoso.onmicrosoft.com/v2.0');
    assert.equal(common.issuer, 'https://login.microsoftonline.com/common/v2.0');
    assert.equal(common.claims.subject, 'oid');
    assert.equal(github.protocol, 'oauth2');
    assert.equal(github.userUrl, 'https://api.github.com/user');
    assert.equal(github.emailsUrl, 'https://api.github.com/user/emails');
    assert.equal(github.claims.subject, 'id');
    assert.equal(github.claims.username, 'login');
    assert.equal(ghes.authorizationUrl, 'https://git.corp.example/login/oauth/authorize');
    assert.equal(ghes.userUrl, 'https://git.corp.example/api/v3/user');
    assert.equal(gitlab.issuer, 'https://gitlab.corp.example');
    assert.equal(github.provision, true, 'provisioning is on unless turned off');
    assert.equal(github.storeTokens, false, 'upstream tokens are not kept unless asked');
  });

  it('takes a claim mapping over the defaults', () => {
    const [corp] = settingsOf([
      {
        id: 'corp',
        type: 'oidc',
        issuer: 'https://sso.example',
        clientId: 'c',
        claims: { groups: 'roles', username: 'upn', emailVerified: '' },
      },
    ]);
    assert.equal(corp.claims.groups, 'roles');
    assert.equal(corp.claims.username, 'upn');
    assert.equal(corp.claims.emailVerified, '');
    assert.equal(corp.claims.subject, 'sub');
  });

  it('names every mistake at startup, with its path', () => {
    const problems = problemsOf([
      { id: 'Corp SSO', type: 'oidc', clientId: 'c' },
      { id: 'dup', type: 'oidc', issuer: 'https://a.example', clientId: 'c', issuers: 'x' },
      { id: 'dup', type: 'github', clientId: 'c' },
      { id: 'x', type: 'oidcc' },
      { id: 'y', type: 'oauth2', clientId: 'c', clientSecret: 's', authorizationUrl: 'ftp://a', tokenUrl: 'https://t.example' },
      {
        id: 'z',
        type: 'microsoft',
        clientId: 'c',
        tenant: 'a/b',
        scopes: ['email'],
        provision: 'yes',
        claims: { subjectt: 'x', subject: '' },
      },
      'github',
    ]);
    const expected = [
      /^connectors\[0\] \(Corp SSO\)\.id: is required: 1 to 40 of a-z 0-9 -$/,
      /^connectors\[0\] \(Corp SSO\)\.issuer: is required$/,
      /^connectors\[1\] \(dup\)\.issuers: is not a setting of a oidc connector \(did you mean issuer\?\)$/,
      /^connectors\[2\] \(dup\)\.id: is declared twice$/,
      /^connectors\[2\] \(dup\)\.clientSecret: is required \(or clientSecretEnv\)$/,
      /^connectors\[3\] \(x\)\.type: must be one of .* \(did you mean oidc\?\)$/,
      /^connectors\[4\] \(y\)\.authorizationUrl: must be an http\(s\) URL/,
      /^connectors\[4\] \(y\)\.userUrl: is required$/,
      /^connectors\[5\] \(z\)\.tenant: must be a tenant id/,
      /^connectors\[5\] \(z\)\.scopes: must include openid$/,
      /^connectors\[5\] \(z\)\.provision: must be true or false$/,
      /^connectors\[5\] \(z\)\.claims\.subjectt: is not a mapped field \(did you mean subject\?\)$/,
      /^connectors\[5\] \(z\)\.claims\.subject: cannot be empty/,
      /^connectors\[6\]: must be an object/,
    ];
    for (const pattern of expected)
      assert.ok(
        problems.some((p) => pattern.test(p)),
        `${pattern} not among:\n${problems.join('\n')}`,
      );
  });

  it('leaves ldap entries to their own reader, but keeps ids unique across types', () => {
    assert.deepEqual(settingsOf([{ id: 'dir', type: 'ldap', url: 'ldap://x' }]), []);
    assert.ok(
      problemsOf([
        { id: 'dir', type: 'ldap' },
        { id: 'dir', type: 'google', clientId: 'g' },
      ]).some((p) => /is declared twice/.test(p)),
    );
  });
});
