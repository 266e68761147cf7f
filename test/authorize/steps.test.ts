import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Client } from '../../src/clients/client.js';
import { checkCodeChallenge as checkPkce } from '../../src/rules/pkce.js';
import { allowedScopes, narrowToAllowed } from '../../src/rules/scope.js';
import { checkPrompt } from '../../src/authorize/check-prompt.js';
import { checkClaims } from '../../src/authorize/check-claims.js';
import { loginReason } from '../../src/authorize/login-reason.js';
import type { AuthorizationRequest } from '../../src/authorize/authorization-request.js';
import type { Session } from '../../src/session/sessions.js';
import { SCOPE_DESCRIPTIONS } from '../../src/rules/scope.js';
import { OAuthError } from '../../src/protocol/oauth-errors.js';
import type { Params } from '../../src/protocol/params.js';

function client(metadata: Partial<Client['metadata']> = {}): Client {
  return {
    clientId: 'c',
    metadata: {
      client_id: 'c',
      redirect_uris: ['https://c.example/cb'],
      post_logout_redirect_uris: [],
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      token_endpoint_auth_method: 'client_secret_basic',
      application_type: 'web',
      id_token_signed_response_alg: 'RS256',
      ...metadata,
    },
    secretHash: 'x',
    secretEncrypted: null,
    secretExpiresAt: 0,
    origin: 'test',
    registrationTokenHash: null,
    createdAt: 0,
  };
}

const fails = (fn: () => unknown, error: string) =>
  assert.throws(fn, (err: unknown) => err instanceof OAuthError && err.error === error && err.redirectable);

const known = new Map(Object.entries(SCOPE_DESCRIPTIONS));
/** The /auth scope step as validate-authorization-request runs it. */
const checkScope = (scopes: Map<string, string>, c: Client, params: Params, prompt: string[]) =>
  narrowToAllowed(params.scope, c, allowedScopes(c, scopes), prompt);
const challenge = 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM';

describe('check-pkce (RFC 7636)', () => {
  const settings = { requiredForAll: false, allowPlain: true, requireS256ForPublicClients: false };
  it('accepts S256 and plain, and reads a missing method as plain (§4.3)', () => {
    assert.deepEqual(checkPkce(client(), { code_challenge: challenge, code_challenge_method: 'S256' }, settings), {
      codeChallenge: challenge,
      codeChallengeMethod: 'S256',
    });
    assert.deepEqual(checkPkce(client(), { code_challenge: challenge }, settings), {
      codeChallenge: challenge,
      codeChallengeMethod: 'plain',
    });
  });
  it('is optional for confidential clients unless configured', () => {
    assert.deepEqual(checkPkce(client(), {}, settings), {});
    fails(() => checkPkce(client(), {}, { ...settings, requiredForAll: true }), 'invalid_request');
    fails(() => checkPkce(client({ require_pkce: true }), {}, settings), 'invalid_request');
  });
  it('is required for public clients (§4.4.1)', () =>
    fails(() => checkPkce(client({ token_endpoint_auth_method: 'none' }), {}, settings), 'invalid_request'));
  it('refuses unknown methods and plain when turned off', () => {
    fails(() => checkPkce(client(), { code_challenge: challenge, code_challenge_method: 'S384' }, settings), 'invalid_request');
    fails(() => checkPkce(client(), { code_challenge: challenge }, { ...settings, allowPlain: false }), 'invalid_request');
  });
  it('checks the challenge syntax (§4.2: 43 to 128 unreserved characters)', () => {
    fails(() => checkPkce(client(), { code_challenge: 'a'.repeat(42) }, settings), 'invalid_request');
    assert.ok(checkPkce(client(), { code_challenge: 'a'.repeat(128) }, settings).codeChallenge);
    fails(() => checkPkce(client(), { code_challenge: 'a'.repeat(129) }, settings), 'invalid_request');
    fails(() => checkPkce(client(), { code_challenge: `${'a'.repeat(42)}=` }, settings), 'invalid_request');
  });
  it('pkce.requireS256ForPublicClients: plain, and a challenge without a method, are refused of public clients only', () => {
    const strict = { ...settings, requireS256ForPublicClients: true };
    const spa = client({ token_endpoint_auth_method: 'none' });
    fails(() => checkPkce(spa, { code_challenge: challenge }, strict), 'invalid_request');
    fails(() => checkPkce(spa, { code_challenge: challenge, code_challenge_method: 'plain' }, strict), 'invalid_request');
    assert.equal(checkPkce(spa, { code_challenge: challenge, code_challenge_method: 'S256' }, strict).codeChallengeMethod, 'S256');
    assert.equal(checkPkce(client(), { code_challenge: challenge }, strict).codeChallengeMethod, 'plain');
    assert.equal(checkPkce(spa, { code_challenge: challenge }, settings).codeChallengeMethod, 'plain', 'off: plain stays allowed');
  });
  it('require_pkce_s256 metadata: PKCE with S256 only, for that client', () => {
    const s256 = client({ require_pkce_s256: true });
    fails(() => checkPkce(s256, {}, settings), 'invalid_request');
    fails(() => checkPkce(s256, { code_challenge: challenge }, settings), 'invalid_request');
    fails(() => checkPkce(s256, { code_challenge: challenge, code_challenge_method: 'plain' }, settings), 'invalid_request');
    assert.equal(checkPkce(s256, { code_challenge: challenge, code_challenge_method: 'S256' }, settings).codeChallengeMethod, 'S256');
  });
});

describe('check-scope (RFC 6749 §3.3, OIDC Core §11)', () => {
  it('keeps known scopes in request order, without duplicates', () => {
    assert.deepEqual(checkScope(known, client(), { scope: 'email openid email' }, []), ['email', 'openid']);
  });
  it('drops unknown scopes and those outside the client metadata while one remains', () => {
    assert.deepEqual(checkScope(known, client({ scope: 'openid email' }), { scope: 'openid phone madeup' }, []), ['openid']);
    fails(() => checkScope(known, client({ scope: 'openid' }), { scope: 'phone' }, []), 'invalid_scope');
    fails(() => checkScope(known, client(), {}, []), 'invalid_scope');
    fails(() => checkScope(known, client(), { scope: 'openid "quoted"' }, []), 'invalid_scope');
  });
  it('grants offline_access only with prompt=consent and a refresh-capable code client', () => {
    assert.deepEqual(checkScope(known, client(), { scope: 'openid offline_access' }, []), ['openid']);
    assert.deepEqual(checkScope(known, client(), { scope: 'openid offline_access' }, ['consent']), ['openid', 'offline_access']);
    assert.deepEqual(checkScope(known, client({ grant_types: ['authorization_code'] }), { scope: 'openid offline_access' }, ['consent']), [
      'openid',
    ]);
  });
});

describe('check-prompt and check-claims (OIDC Core §3.1.2.1, §5.5)', () => {
  it('parses prompt values', () => {
    assert.deepEqual(checkPrompt({ prompt: 'login consent' }), ['login', 'consent']);
    assert.deepEqual(checkPrompt({}), []);
    fails(() => checkPrompt({ prompt: 'none consent' }), 'invalid_request');
    fails(() => checkPrompt({ prompt: 'later' }), 'invalid_request');
  });
  it('accepts a claims object and refuses other shapes', () => {
    assert.deepEqual(checkClaims({ claims: '{"id_token":{"email":null,"acr":{"essential":true}}}' }), {
      id_token: { email: null, acr: { essential: true } },
    });
    fails(() => checkClaims({ claims: '"x"' }), 'invalid_request');
    fails(() => checkClaims({ claims: '{"id_token":{"email":true}}' }), 'invalid_request');
  });
});

describe('login-reason (OIDC Core §3.1.2.3)', () => {
  const now = 1_000_000;
  const session: Session = {
    sid: 's',
    userId: 'u',
    authTime: now - 100,
    amr: ['pwd'],
    acr: null,
    methods: { pwd: now - 100 },
    expiresAt: now + 100,
    signInId: 'first',
  };
  const request = (extra: Partial<AuthorizationRequest> = {}): AuthorizationRequest => ({
    clientId: 'c',
    redirectUri: 'https://c.example/cb',
    redirectUriParam: '',
    responseMode: 'query',
    scopes: ['openid'],
    prompt: [],
    requestedAt: now,
    ...extra,
  });
  it('asks for a sign-in without a session, for prompt=login, an old one under max_age, or another user named by the hint', () => {
    assert.ok(loginReason(request(), undefined, undefined, now));
    assert.equal(loginReason(request(), session, session.userId, now), undefined);
    assert.ok(loginReason(request({ prompt: ['login'] }), session, session.userId, now));
    assert.ok(loginReason(request({ maxAge: 99 }), session, session.userId, now));
    assert.equal(loginReason(request({ maxAge: 100 }), session, session.userId, now), undefined);
    assert.ok(loginReason(request({ expectedSub: 'other' }), session, session.userId, now));
    // A pairwise client names the user by its own sub: the session's user under that name is no reason.
    assert.equal(loginReason(request({ expectedSub: 'pairwise-sub' }), session, 'pairwise-sub', now), undefined);
    assert.ok(loginReason(request({ expectedSub: session.userId }), session, 'pairwise-sub', now));
  });
  it('is satisfied by any sign-in after it asked, even within the same second', () => {
    assert.ok(loginReason(request({ prompt: ['login'], staleSignIn: 'first' }), session, session.userId, now));
    assert.equal(
      loginReason(request({ prompt: ['login'], staleSignIn: 'first' }), { ...session, signInId: 'second' }, session.userId, now),
      undefined,
    );
  });
});
