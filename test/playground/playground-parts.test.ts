import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { SignJWT, exportJWK, generateKeyPair } from 'jose';
import { curlCommand, shellQuote } from '../../src/playground/curl.js';
import { computeAtHash, decodeJwt } from '../../src/playground/decode-jwt.js';
import { buildRequest, requestText } from '../../src/playground/exchange.js';
import { maskSecrets } from '../../src/playground/mask.js';
import { DEMO_CLIENTS, demoClients } from '../../src/seed/dev-demo.js';

describe('the playground parts', () => {
  it('quotes for the shell so that sh reads back exactly the value', () => {
    for (const value of ["it's", 'a b', '$HOME `x` "y" \\ \n', '']) {
      assert.equal(execFileSync('sh', ['-c', `printf %s ${shellQuote(value)}`]).toString(), value);
    }
  });

  it('makes a curl command with the method, URL, headers and body of the request', () => {
    const request = buildRequest(
      'POST',
      'http://127.0.0.1:3000/token',
      [['Content-Type', 'application/x-www-form-urlencoded']],
      "a=1&b=it's",
    );
    const curl = curlCommand(request);
    assert.equal(
      curl,
      `curl -i \\\n  -X POST \\\n  'http://127.0.0.1:3000/token' \\\n  -H 'Accept: application/json' \\\n  -H 'Content-Type: application/x-www-form-urlencoded' \\\n  --data-raw 'a=1&b=it'\\''s'`,
    );
    assert.match(requestText(request), /^POST \/token HTTP\/1\.1\nHost: 127\.0\.0\.1:3000\n/);
    assert.match(requestText(request), /Content-Length: 10\n/);
  });

  it('masks every occurrence of each secret, longest first, and leaves short values alone', () => {
    const text = 'token=abcdefghijkl&other=abcdefghijklmnop&x=short';
    assert.equal(maskSecrets(text, ['abcdefghijkl', 'abcdefghijklmnop', 'short']), 'token=abcd…[hidden]&other=abcd…[hidden]&x=short');
  });

  it('computes at_hash as the left half of the hash named by alg', () => {
    const full = createHash('sha256').update('token').digest();
    assert.equal(computeAtHash('RS256', 'token'), full.subarray(0, 16).toString('base64url'));
    assert.equal(computeAtHash('ES384', 'token')?.length, 32);
    assert.equal(computeAtHash('EdDSA', 'token'), createHash('sha512').update('token').digest().subarray(0, 32).toString('base64url'));
    assert.equal(computeAtHash('none', 'token'), undefined);
  });

  it('says whether a signature verifies, which key signed, and whether at_hash matches', async () => {
    const { privateKey, publicKey } = await generateKeyPair('ES256');
    const other = await generateKeyPair('ES256');
    const jwks = { keys: [{ ...(await exportJWK(publicKey)), kid: 'k1', alg: 'ES256' }] };
    const sign = (claims: Record<string, unknown>, key = privateKey, kid = 'k1') =>
      new SignJWT(claims).setProtectedHeader({ alg: 'ES256', kid }).sign(key);
    const good = await decodeJwt('id_token', await sign({ at_hash: computeAtHash('ES256', 'at') }), jwks, 'at');
    assert.deepEqual([good.kid, good.signature, good.atHash], ['k1', 'verified', 'matches the access token']);
    const wrongHash = await decodeJwt('id_token', await sign({ at_hash: computeAtHash('ES256', 'other') }), jwks, 'at');
    assert.equal(wrongHash.atHash, 'does not match the access token');
    assert.equal((await decodeJwt('id_token', await sign({}), jwks, 'at')).atHash, 'absent');
    assert.equal((await decodeJwt('id_token', await sign({}, other.privateKey), jwks)).signature, 'does not verify');
    assert.equal((await decodeJwt('access_token', await sign({}, privateKey, 'k2'), jwks)).signature, 'no key with this kid');
    assert.equal((await decodeJwt('access_token', 'aaaa.bbbb.cccc', jwks)).signature, 'not a decodable JWT');
  });
});

describe("dev mode's demo clients", () => {
  it('keep the walkthrough redirect URIs as written and add the playground callback', () => {
    const clients = demoClients('http://localhost:3000');
    for (const original of DEMO_CLIENTS) {
      const client = clients.find((c) => c.client_id === original.client_id)!;
      if (!original.redirect_uris?.length) {
        assert.equal(client.redirect_uris, original.redirect_uris);
        continue;
      }
      assert.deepEqual(client.redirect_uris, [...original.redirect_uris, 'http://localhost:3000/playground/callback']);
    }
    assert.ok(DEMO_CLIENTS.find((c) => c.client_id === 'my_client_id')!.redirect_uris!.includes('https://myapp.com/autorization'));
  });
});
