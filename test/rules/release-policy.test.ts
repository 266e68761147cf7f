import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { consentNeeded, consentToRemember, idTokenClaims, userinfoClaimNames, userinfoClaims } from '../../src/rules/release-policy.js';

const user = { name: 'Ada', email: 'ada@example.com', phone_number: '+1', sub: 'forged', groups: ['x'] };

describe('release policy (OIDC Core §3.1.2.4, §5.4, §5.5)', () => {
  it('asks for consent when a scope is not remembered, or for prompt=consent', () => {
    assert.equal(consentNeeded({ scopes: ['openid', 'email'], prompt: [] }, ['openid', 'email', 'phone']), false);
    assert.equal(consentNeeded({ scopes: ['openid', 'email'], prompt: [] }, ['openid']), true);
    assert.equal(consentNeeded({ scopes: ['openid'], prompt: ['consent'] }, ['openid']), true);
    assert.deepEqual(consentToRemember({ scopes: ['openid', 'email'] }), ['openid', 'email']);
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
