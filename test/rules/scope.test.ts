import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Client } from '../../src/clients/client.js';
import { InvalidScope } from '../../src/protocol/oauth-errors.js';
import {
  allowedScopes,
  clientCredentialsScope,
  isScopeEntry,
  isScopeList,
  narrowToGranted,
  parseScope,
  parseScopeEntry,
  refuseUnallowed,
} from '../../src/rules/scope.js';

function client(scope?: string): Client {
  return {
    clientId: 'c',
    metadata: {
      client_id: 'c',
      redirect_uris: [],
      post_logout_redirect_uris: [],
      grant_types: ['client_credentials', 'urn:ietf:params:oauth:grant-type:device_code'],
      response_types: [],
      token_endpoint_auth_method: 'client_secret_basic',
      application_type: 'web',
      id_token_signed_response_alg: 'RS256',
      ...(scope === undefined ? {} : { scope }),
    },
    secretHash: 'x',
    secretEncrypted: null,
    secretExpiresAt: 0,
    origin: 'test',
    registrationTokenHash: null,
    createdAt: 0,
  };
}

const known = new Map([
  ['openid', ''],
  ['read', ''],
  ['write', ''],
]);

describe('scope grammar (RFC 6749 §3.3)', () => {
  it('parses tokens in order, each once, tolerating runs of spaces', () => {
    assert.deepEqual(parseScope('read  openid read'), ['read', 'openid']);
    assert.deepEqual(parseScope('   '), []);
    assert.throws(() => parseScope('openid "quoted"'), InvalidScope);
    assert.throws(() => parseScope('a\\b'), InvalidScope);
  });

  it('reads client metadata scope exactly: single spaces between tokens', () => {
    assert.equal(isScopeList('openid read'), true);
    assert.equal(isScopeList('openid  read'), false);
    assert.equal(isScopeList(' openid'), false);
    assert.equal(isScopeList('"x"'), false);
  });

  it('reads config entries as name and description, separated by a colon and a space', () => {
    assert.deepEqual(parseScopeEntry('api: Call the API'), { name: 'api', description: 'Call the API' });
    assert.deepEqual(parseScopeEntry('api'), { name: 'api', description: 'api' });
    assert.deepEqual(parseScopeEntry('api:'), { name: 'api', description: 'api' });
    // Security review finding 2: colon-bearing names are whole names, not cut at the first colon.
    assert.deepEqual(parseScopeEntry('api:read: Read the API'), { name: 'api:read', description: 'Read the API' });
    assert.deepEqual(parseScopeEntry('api:admin: Administer: everything'), { name: 'api:admin', description: 'Administer: everything' });
    assert.deepEqual(parseScopeEntry('api:read'), { name: 'api:read', description: 'api:read' });
    assert.deepEqual(parseScopeEntry('urn:example:scope:read'), { name: 'urn:example:scope:read', description: 'urn:example:scope:read' });
    assert.equal(isScopeEntry('api:read: Read'), true);
    assert.equal(isScopeEntry('"x": quoted'), false);
    assert.equal(isScopeEntry('api: Call the API'), true);
    assert.equal(isScopeEntry('api'), true);
    assert.equal(isScopeEntry('a b: x'), false);
    assert.equal(isScopeEntry(' api'), false);
    assert.equal(isScopeEntry(''), false);
  });
});

describe('scope policies', () => {
  it('allowedScopes: the offered scopes, within the client metadata when it has some', () => {
    assert.deepEqual([...allowedScopes(client(), known)], ['openid', 'read', 'write']);
    assert.deepEqual([...allowedScopes(client('read madeup'), known)], ['read']);
  });

  it('clientCredentialsScope: what was asked for within the offered scopes of the metadata; the default leaves out user scopes', () => {
    assert.equal(clientCredentialsScope('read', client(), known), 'read');
    assert.equal(clientCredentialsScope('write read', client('read write openid'), known), 'write read');
    // A name in the metadata that the provider does not offer gives no power.
    assert.throws(() => clientCredentialsScope('madeup', client('read madeup'), known), InvalidScope);
    assert.throws(() => clientCredentialsScope('write', client('read'), known), InvalidScope);
    // No scope parameter: the registered scopes about no end-user, or nothing without metadata.
    assert.equal(clientCredentialsScope(undefined, client('openid read madeup'), known), 'read');
    assert.equal(clientCredentialsScope(undefined, client(), known), '');
  });

  it('refuseUnallowed: all requested scopes within the ceiling, or invalid_scope', () => {
    const c = client('read write');
    assert.equal(refuseUnallowed('write read write', c, allowedScopes(c, known)), 'write read');
    assert.throws(() => refuseUnallowed('read openid', c, allowedScopes(c, known)), InvalidScope);
    assert.throws(() => refuseUnallowed('   ', c, allowedScopes(c, known)), InvalidScope);
  });

  it('refuseUnallowed: no scope parameter gives the registered scopes within the ceiling, or none', () => {
    assert.equal(refuseUnallowed(undefined, client('read madeup'), allowedScopes(client('read madeup'), known)), 'read');
    assert.equal(refuseUnallowed(undefined, client(), allowedScopes(client(), known)), '');
  });

  it('narrowToGranted (RFC 6749 §6): a subset of the grant, in grant order; more is invalid_scope', () => {
    assert.equal(narrowToGranted('openid read write', 'write openid'), 'openid write');
    assert.equal(narrowToGranted('openid read', undefined), 'openid read');
    assert.equal(narrowToGranted('openid read', '  '), 'openid read');
    assert.throws(() => narrowToGranted('openid', 'openid write'), InvalidScope);
  });
});
