import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { htuMatches, normalizeHtu } from '../../src/dpop/htu.js';
import { dpopNonces } from '../../src/dpop/dpop-nonces.js';
import { pushedRequestDpopJkt, checkDpopJktParam } from '../../src/dpop/dpop-jkt-param.js';

describe('htu comparison (RFC 9449 §4.3)', () => {
  it('normalises scheme and host case and the default port, and drops query and fragment', () => {
    assert.equal(normalizeHtu('HTTPS://Login.Example:443/token?a=1#x'), 'https://login.example/token');
    assert.ok(htuMatches('http://LOCALHOST:80/token', 'http://localhost/token'));
  });

  it('keeps the path and a non-default port, and refuses what is not an http(s) URL', () => {
    assert.ok(!htuMatches('https://login.example/Token', 'https://login.example/token'));
    assert.ok(!htuMatches('https://login.example:8443/token', 'https://login.example/token'));
    assert.ok(!htuMatches('urn:x:token', 'https://login.example/token'));
    assert.ok(!htuMatches(42, 'https://login.example/token'));
  });
});

describe('DPoP nonces (RFC 9449 §8)', () => {
  const key = Buffer.alloc(32, 7);
  let now = 1_000_000;
  const nonces = dpopNonces(key, 300, { nowSeconds: () => now });

  it('accepts the current and the previous window, not older ones nor another key', () => {
    const issued = nonces.current();
    assert.ok(nonces.accepts(issued));
    now += 300;
    assert.ok(nonces.accepts(issued));
    assert.notEqual(nonces.current(), issued);
    now += 300;
    assert.ok(!nonces.accepts(issued));
    assert.ok(!dpopNonces(Buffer.alloc(32, 8), 300, { nowSeconds: () => now }).accepts(nonces.current()));
    assert.ok(!nonces.accepts(undefined));
    assert.ok(!nonces.accepts(42));
  });
});

describe('dpop_jkt (RFC 9449 §10)', () => {
  const jkt = 'a'.repeat(43);
  it('reads a thumbprint, refuses anything else, and is ignored when DPoP is off', () => {
    assert.equal(checkDpopJktParam({ dpop_jkt: jkt }, true), jkt);
    assert.equal(checkDpopJktParam({ dpop_jkt: 'short' }, false), undefined);
    assert.throws(() => checkDpopJktParam({ dpop_jkt: 'short' }, true), { error: 'invalid_request' });
  });

  it('binds a pushed request to the proof key, which must agree with dpop_jkt (§10.1)', () => {
    const proof = { jkt, jti: 'j', iat: 1 };
    assert.equal(pushedRequestDpopJkt({}, proof), jkt);
    assert.equal(pushedRequestDpopJkt({ dpop_jkt: jkt }, undefined), jkt);
    assert.equal(pushedRequestDpopJkt({}, undefined), undefined);
    assert.throws(() => pushedRequestDpopJkt({ dpop_jkt: 'b'.repeat(43) }, proof), { error: 'invalid_dpop_proof' });
  });
});
