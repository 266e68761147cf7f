import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  authorizedClaimsRequest,
  claimsBeyondScopes,
  consentNeeded,
  consentToRemember,
  idTokenClaims,
  userinfoClaimNames,
  userinfoClaims,
} from '../../src/rules/release-policy.js';

const user = { name: 'Ada', email: 'ada@example.com', phone_number: '+1', sub: 'forged', department: 'x', groups: ['staff'] };

describe('release policy (OIDC Core §3.1.2.4, §5.4, §5.5)', () => {
  it('asks for consent when a scope is not remembered, or for prompt=consent', () => {
    const remembered = (scopes: string[], claims: string[] = []) => ({ scopes, claims });
    assert.equal(consentNeeded({ scopes: ['openid', 'email'], prompt: [] }, remembered(['openid', 'email', 'phone'])), false);
    assert.equal(consentNeeded({ scopes: ['openid', 'email'], prompt: [] }, remembered(['openid'])), true);
    assert.equal(consentNeeded({ scopes: ['openid'], prompt: ['consent'] }, remembered(['openid'])), true);
    assert.deepEqual(consentToRemember({ scopes: ['openid', 'email'] }), { scopes: ['openid', 'email'], claims: [] });
  });

  it('a claim requested beyond the granted scopes needs its own consent, and is remembered as such', () => {
    const request = { scopes: ['openid'], prompt: [], claims: { id_token: { email: null, auth_time: null }, userinfo: { email: null } } };
    assert.deepEqual(claimsBeyondScopes(request), ['email']);
    assert.equal(consentNeeded(request, { scopes: ['openid'], claims: [] }), true);
    assert.equal(consentNeeded(request, { scopes: ['openid'], claims: ['email'] }), false);
    assert.deepEqual(consentToRemember(request), { scopes: ['openid'], claims: ['email'] });
    // Within the granted scopes a claims request only shapes: no extra consent.
    assert.deepEqual(claimsBeyondScopes({ scopes: ['openid', 'email'], claims: { id_token: { email: null } } }), []);
  });

  it('a claims request is narrowed to the claims of the scopes the client may have; unmapped names never pass', () => {
    const request = {
      id_token: { email: { essential: true }, ssn: { essential: true }, name: null, auth_time: { essential: true } },
      userinfo: { department: null, phone_number: null },
    };
    assert.deepEqual(authorizedClaimsRequest(request, new Set(['openid', 'email'])), {
      id_token: { email: { essential: true }, auth_time: { essential: true } },
    });
    assert.equal(authorizedClaimsRequest({ userinfo: { ssn: null } }, new Set(['openid', 'email'])), undefined);
    assert.equal(authorizedClaimsRequest(undefined, new Set(['openid'])), undefined);
  });

  it('release never hands out a claim outside the §5.4 lists, whatever a stored request names', () => {
    assert.deepEqual(userinfoClaims(user, ['openid'], ['department', 'name']), { name: 'Ada' });
    assert.deepEqual(idTokenClaims(user, ['openid'], { id_token: { department: null } }, false), {});
  });

  it('the groups scope releases the groups claim (connectors fill it), and nothing else', () => {
    assert.deepEqual(userinfoClaims(user, ['openid', 'groups'], []), { groups: ['staff'] });
    assert.deepEqual(userinfoClaims(user, ['openid'], []), {});
  });

  it('userinfo: the claims of the granted scopes and of the recorded claims request, never a protocol claim', () => {
    const names = userinfoClaimNames({ userinfo: { phone_number: null, sub: null, auth_time: null } });
    assert.deepEqual(names, ['phone_number']);
    assert.deepEqual(userinfoClaims(user, ['openid', 'email'], names), { phone_number: '+1', email: 'ada@example.com' });
    assert.deepEqual(userinfoClaimNames(undefined), []);
  });

  it('ID token: requested id_token claims, and scope claims only when configured', () => {
    const request = { id_token: { name: { essential: true } }, userinfo: { phone_number: null } };
    assert.deepEqual(idTokenClaims(user, ['openid', 'email'], request, false), { name: 'Ada' });
    assert.deepEqual(idTokenClaims(user, ['openid', 'email'], request, true), { name: 'Ada', email: 'ada@example.com' });
    assert.deepEqual(idTokenClaims(user, ['openid'], null, false), {});
  });
});
