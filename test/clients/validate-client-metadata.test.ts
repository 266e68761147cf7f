import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { validateClientMetadata } from '../../src/clients/validate-client-metadata.js';
import { OAuthError } from '../../src/protocol/oauth-errors.js';

const web = { client_id: 'app', redirect_uris: ['https://app.example.com/cb'] };
const JWK = { kty: 'EC', crv: 'P-256', x: 'f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU', y: 'x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0' };

/** Asserts the metadata is refused with the RFC 7591 §3.2.2 error code and a message matching `why`. */
function refused(metadata: Record<string, unknown>, error: 'invalid_redirect_uri' | 'invalid_client_metadata', why: RegExp): void {
  assert.throws(
    () => validateClientMetadata(metadata),
    (err: unknown) => {
      assert.ok(err instanceof OAuthError, `expected an OAuthError, got ${String(err)}`);
      assert.equal(err.error, error);
      assert.match(err.description, why);
      assert.equal(err.redirectable, false);
      return true;
    },
  );
}

describe('client metadata validation: refused', () => {
  it('a relative redirect URI', () => refused({ ...web, redirect_uris: ['/cb'] }, 'invalid_redirect_uri', /not an absolute URI/));
  it('a redirect URI with a fragment (RFC 6749 §3.1.2)', () =>
    refused({ ...web, redirect_uris: ['https://app.example.com/cb#x'] }, 'invalid_redirect_uri', /fragment/));
  it('an empty fragment too', () =>
    refused({ ...web, redirect_uris: ['https://app.example.com/cb#'] }, 'invalid_redirect_uri', /fragment/));
  it('http on a non-loopback host', () =>
    refused({ ...web, redirect_uris: ['http://app.example.com/cb'] }, 'invalid_redirect_uri', /must use https/));
  it('the javascript: scheme', () =>
    refused({ ...web, redirect_uris: ['javascript:alert(1)'] }, 'invalid_redirect_uri', /javascript: scheme/));
  it('the data: scheme', () => refused({ ...web, redirect_uris: ['data:text/html,hi'] }, 'invalid_redirect_uri', /data: scheme/));
  it('a private-use or OS-handler scheme for a web client (RFC 8252 §7.1 schemes are for native apps)', () => {
    for (const uri of ['myapp://cb', 'ms-settings:x', 'com.example.app:/callback', 'intent://x', 'ftp://app.example.com/cb']) {
      refused({ ...web, redirect_uris: [uri] }, 'invalid_redirect_uri', /not allowed for a web client/);
      refused(
        { ...web, application_type: 'web', post_logout_redirect_uris: [uri] },
        'invalid_redirect_uri',
        /post_logout_redirect_uris: .*not allowed for a web client/,
      );
    }
  });
  it('a native scheme that is not a reverse domain name, and javascript:/data:/file: for native apps too', () => {
    const native = { ...web, application_type: 'native', token_endpoint_auth_method: 'none' };
    for (const uri of [
      'myapp://cb',
      'ms-settings:x',
      'javascript:alert(1)',
      'JAVASCRIPT:alert(1)',
      'java\tscript:alert(1)',
      'data:text/html,hi',
      'file:///etc/passwd',
      'vbscript:x',
      'about:blank',
      'blob:https://a.example/x',
    ]) {
      refused({ ...native, redirect_uris: [uri] }, 'invalid_redirect_uri', /reverse domain name/);
    }
    refused({ ...native, redirect_uris: ['http://app.example.com/cb'] }, 'invalid_redirect_uri', /must use https/);
  });
  it('credentials in the URI', () =>
    refused({ ...web, redirect_uris: ['https://user:pw@app.example.com/cb'] }, 'invalid_redirect_uri', /credentials/));
  it('a post-logout redirect URI over http', () =>
    refused(
      { ...web, post_logout_redirect_uris: ['http://app.example.com/'] },
      'invalid_redirect_uri',
      /post_logout_redirect_uris: .*https/,
    ));
  it('the code response type without the authorization_code grant', () =>
    refused({ ...web, grant_types: ['client_credentials'], response_types: ['code'] }, 'invalid_client_metadata', /go together/));
  it('the authorization_code grant without the code response type', () =>
    refused({ ...web, grant_types: ['authorization_code'], response_types: [] }, 'invalid_client_metadata', /go together/));
  it('authorization_code without any redirect URI', () =>
    refused({ client_id: 'app' }, 'invalid_redirect_uri', /redirect_uris is required/));
  it('an unknown grant type', () =>
    refused({ ...web, grant_types: ['authorization_code', 'magic'] }, 'invalid_client_metadata', /grant type magic is not supported/));
  it('the password grant (RFC 9700 §2.4)', () =>
    refused({ ...web, grant_types: ['authorization_code', 'password'] }, 'invalid_client_metadata', /grant type password/));
  it('the implicit grant (RFC 9700 §2.1.2)', () =>
    refused({ ...web, grant_types: ['implicit'], response_types: ['token'] }, 'invalid_client_metadata', /grant type implicit/));
  it('the token response type', () =>
    refused({ ...web, response_types: ['code', 'token'] }, 'invalid_client_metadata', /response type token/));
  it('an unknown auth method', () =>
    refused(
      { ...web, token_endpoint_auth_method: 'client_secret_magic' },
      'invalid_client_metadata',
      /client_secret_magic is not supported/,
    ));
  it('a public client (none) with client_credentials', () =>
    refused(
      { client_id: 'svc', grant_types: ['client_credentials'], token_endpoint_auth_method: 'none' },
      'invalid_client_metadata',
      /public client/,
    ));
  it('private_key_jwt without keys', () =>
    refused({ ...web, token_endpoint_auth_method: 'private_key_jwt' }, 'invalid_client_metadata', /needs jwks or jwks_uri/));
  it('both jwks and jwks_uri (RFC 7591 §2)', () =>
    refused(
      { ...web, jwks: { keys: [JWK] }, jwks_uri: 'https://app.example.com/jwks' },
      'invalid_client_metadata',
      /must not both be present/,
    ));
  it('jwks that is not a JWK Set', () => refused({ ...web, jwks: [JWK] }, 'invalid_client_metadata', /JWK Set/));
  it('a jwks_uri over http', () =>
    refused({ ...web, jwks_uri: 'http://app.example.com/jwks' }, 'invalid_client_metadata', /jwks_uri must use https/));
  it('bad scope syntax (RFC 6749 §3.3)', () => {
    refused({ ...web, scope: 'openid  profile' }, 'invalid_client_metadata', /space-separated/);
    refused({ ...web, scope: 'openid "profile"' }, 'invalid_client_metadata', /space-separated/);
    refused({ ...web, scope: ' openid' }, 'invalid_client_metadata', /space-separated/);
  });
  it('a missing or malformed client_id', () => {
    refused({ redirect_uris: web.redirect_uris }, 'invalid_client_metadata', /client_id/);
    refused({ ...web, client_id: 'has space' }, 'invalid_client_metadata', /client_id/);
  });
  it('members of the wrong type', () => {
    refused(
      { ...web, redirect_uris: 'https://app.example.com/cb' },
      'invalid_client_metadata',
      /redirect_uris must be an array of strings/,
    );
    refused({ ...web, client_name: 7 }, 'invalid_client_metadata', /client_name must be a string/);
    refused({ ...web, require_pkce: 'yes' }, 'invalid_client_metadata', /require_pkce must be a boolean/);
    refused({ ...web, require_pkce_s256: 1 }, 'invalid_client_metadata', /require_pkce_s256 must be a boolean/);
    refused({ ...web, dpop_bound_access_tokens: 'true' }, 'invalid_client_metadata', /dpop_bound_access_tokens must be a boolean/);
  });
  it('an unsupported ID token algorithm (none)', () =>
    refused({ ...web, id_token_signed_response_alg: 'none' }, 'invalid_client_metadata', /id_token_signed_response_alg/));
  it('a bad application_type', () => refused({ ...web, application_type: 'desktop' }, 'invalid_client_metadata', /web or native/));
  it('an access token lifetime out of range', () =>
    refused({ ...web, access_token_ttl: 0 }, 'invalid_client_metadata', /access_token_ttl/));
});

describe('client metadata validation: accepted', () => {
  it('https, with defaults filled in', () => {
    const metadata = validateClientMetadata(web);
    assert.deepEqual(metadata.grant_types, ['authorization_code']);
    assert.deepEqual(metadata.response_types, ['code']);
    assert.equal(metadata.token_endpoint_auth_method, 'client_secret_basic');
    assert.equal(metadata.application_type, 'web');
    assert.equal(metadata.id_token_signed_response_alg, 'RS256');
  });
  it('loopback http (RFC 8252 §7.3): localhost, 127.0.0.1 and [::1], any port', () => {
    const uris = ['http://localhost/cb', 'http://127.0.0.1:8080/cb', 'http://[::1]:9000/cb'];
    assert.deepEqual(validateClientMetadata({ ...web, redirect_uris: uris }).redirect_uris, uris);
  });
  it("a native app's private-use scheme (RFC 8252 §7.1), claimed https (§7.2) and loopback http (§7.3)", () => {
    const uris = [
      'com.example.app:/callback',
      'com.example.app://oauth/cb',
      'https://app.example.com/cb',
      'http://127.0.0.1:51000/cb',
      'http://[::1]/cb',
    ];
    const metadata = validateClientMetadata({
      ...web,
      redirect_uris: uris,
      application_type: 'native',
      token_endpoint_auth_method: 'none',
    });
    assert.deepEqual(metadata.redirect_uris, uris);
  });
  it('a query in the redirect URI (RFC 6749 §3.1.2)', () => {
    assert.deepEqual(validateClientMetadata({ ...web, redirect_uris: ['https://app.example.com/cb?tenant=1'] }).redirect_uris, [
      'https://app.example.com/cb?tenant=1',
    ]);
  });
  it('a confidential service with client_credentials and no redirect URI', () => {
    const metadata = validateClientMetadata({ client_id: 'svc', grant_types: ['client_credentials'] });
    assert.deepEqual(metadata.response_types, []);
    assert.deepEqual(metadata.redirect_uris, []);
  });
  it('a public device client', () => {
    const grant = 'urn:ietf:params:oauth:grant-type:device_code';
    assert.deepEqual(validateClientMetadata({ client_id: 'tv', grant_types: [grant], token_endpoint_auth_method: 'none' }).grant_types, [
      grant,
    ]);
  });
  it('private_key_jwt with jwks, or with an https jwks_uri', () => {
    assert.ok(validateClientMetadata({ ...web, token_endpoint_auth_method: 'private_key_jwt', jwks: { keys: [JWK] } }).jwks);
    assert.equal(
      validateClientMetadata({ ...web, token_endpoint_auth_method: 'private_key_jwt', jwks_uri: 'https://app.example.com/jwks' }).jwks_uri,
      'https://app.example.com/jwks',
    );
  });
  it('a valid scope list, and drops duplicate redirect URIs', () => {
    const metadata = validateClientMetadata({
      ...web,
      scope: 'openid profile email',
      redirect_uris: [web.redirect_uris[0], web.redirect_uris[0]],
    });
    assert.equal(metadata.scope, 'openid profile email');
    assert.deepEqual(metadata.redirect_uris, web.redirect_uris);
  });
});

describe('client metadata validation: subject_type (OIDC Core §8)', () => {
  it('refuses an unknown subject_type', () =>
    refused({ ...web, subject_type: 'ephemeral' }, 'invalid_client_metadata', /public or pairwise/));
  it('refuses pairwise with redirect URIs on several hosts and no sector_identifier_uri (§8.1)', () =>
    refused(
      { ...web, subject_type: 'pairwise', redirect_uris: ['https://a.example/cb', 'https://b.example/cb'] },
      'invalid_client_metadata',
      /sector_identifier_uri/,
    ));
  it('refuses pairwise for a native app whose redirect URI has no host, unless it names a sector', () => {
    const native = { ...web, application_type: 'native', subject_type: 'pairwise', redirect_uris: ['com.example.app:/cb'] };
    refused(native, 'invalid_client_metadata', /sector_identifier_uri/);
    const sectored = validateClientMetadata({ ...native, sector_identifier_uri: 'https://example.com/sector.json' });
    assert.equal(sectored.sector_identifier_uri, 'https://example.com/sector.json');
  });
  it('refuses a sector_identifier_uri over plain http or with a fragment', () => {
    refused({ ...web, sector_identifier_uri: 'http://example.com/s.json' }, 'invalid_client_metadata', /https/);
    refused({ ...web, sector_identifier_uri: 'https://example.com/s.json#x' }, 'invalid_client_metadata', /fragment/);
  });
  it('refuses pairwise when the provider does not offer it', () =>
    assert.throws(() => validateClientMetadata({ ...web, subject_type: 'pairwise' }, { pairwiseSubjects: false }), /subjects\.pairwise/));
  it('accepts pairwise with one redirect host, and public', () => {
    assert.equal(validateClientMetadata({ ...web, subject_type: 'pairwise' }).subject_type, 'pairwise');
    assert.equal(validateClientMetadata({ ...web, subject_type: 'public' }).subject_type, 'public');
    assert.equal(validateClientMetadata(web).subject_type, undefined);
  });
});
