import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { SignJWT, jwtVerify, createLocalJWKSet, decodeProtectedHeader } from 'jose';
import { DATABASES, useMigratedDatabase } from '../support/databases.js';
import type { Db } from '../../src/storage/database.js';
import { systemClock } from '../../src/util/clock.js';
import { signingKeysStore } from '../../src/storage/signing-keys-store.js';
import { KeySet } from '../../src/keys/key-set.js';
import { generateSigningKey } from '../../src/keys/generate-signing-key.js';
import { SIGNING_ALGORITHMS } from '../../src/jose/algorithms.js';
import { createSecretBox } from '../../src/util/secret-box.js';
import { ConfigError } from '../../src/config/config-error.js';

const SECRET = 'key-set-test-secret-key-set-test-secret-0123';
const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'k', 'oth'];

describe('signing key generation', () => {
  for (const alg of SIGNING_ALGORITHMS) {
    it(`generates ${alg} keys with a thumbprint kid, public part without private members`, async () => {
      const a = await generateSigningKey(alg);
      const b = await generateSigningKey(alg);
      assert.notEqual(a.kid, b.kid);
      assert.equal(a.publicJwk.alg, alg);
      assert.equal(a.publicJwk.use, 'sig');
      assert.equal(a.publicJwk.kid, a.kid);
      for (const member of PRIVATE_MEMBERS) assert.equal((a.publicJwk as Record<string, unknown>)[member], undefined, `no ${member}`);
      assert.ok(a.privateJwk.d, 'the private part has d');
      if (alg === 'EdDSA') assert.equal(a.publicJwk.crv, 'Ed25519');
      if (alg === 'ES256') assert.equal(a.publicJwk.crv, 'P-256');
    });
  }
});

for (const kind of DATABASES) {
  describe(`key set on ${kind}`, () => {
    let db: Db;
    const keySet = (secret = SECRET, defaultAlgorithm: 'RS256' | 'ES256' | 'EdDSA' = 'RS256') =>
      new KeySet({
        store: signingKeysStore(db),
        box: createSecretBox(secret, 'signing-keys'),
        defaultAlgorithm,
        publishRetiredFor: 3600,
        clock: systemClock,
      });

    useMigratedDatabase(kind, (opened) => (db = opened));

    it('creates an RS256 key on first start, and none on the next', async () => {
      await keySet().init();
      await keySet().init();
      const rows = await db.selectFrom('signing_keys').selectAll().execute();
      assert.equal(rows.length, 1);
      assert.equal(rows[0].alg, 'RS256');
    });

    it('keeps private keys encrypted at rest: nothing private in clear, decryptable only with the right secret', async () => {
      const rows = await db.selectFrom('signing_keys').selectAll().execute();
      for (const row of rows) {
        const publicJwk = JSON.parse(row.public_jwk) as Record<string, unknown>;
        for (const member of PRIVATE_MEMBERS) assert.equal(publicJwk[member], undefined);
        assert.match(row.private_jwk_encrypted, /^v1\.[A-Za-z0-9_-]+$/);
        assert.doesNotMatch(row.private_jwk_encrypted, /"d"|"kty"/);
        const privateJwk = JSON.parse(createSecretBox(SECRET, 'signing-keys').decrypt(row.private_jwk_encrypted)) as Record<
          string,
          unknown
        >;
        assert.equal(privateJwk.kid, row.kid);
        assert.equal(typeof privateJwk.d, 'string');
        assert.throws(() => createSecretBox('another-secret-another-secret-0123456789', 'signing-keys').decrypt(row.private_jwk_encrypted));
        assert.throws(
          () => createSecretBox(SECRET, 'client-secrets').decrypt(row.private_jwk_encrypted),
          Error,
          'a key derived for another purpose cannot decrypt',
        );
      }
    });

    it('refuses to start with another secret, naming the setting', async () => {
      await assert.rejects(
        keySet('another-secret-another-secret-0123456789').init(),
        (err: unknown) => err instanceof ConfigError && err.setting === 'secret' && /cannot decrypt signing key/.test(err.message),
      );
    });

    it('publishes a JWKS without private members, which verifies what the active key signs', async () => {
      const keys = keySet();
      await keys.init();
      const jwks = JSON.parse(keys.jwks()) as { keys: Record<string, unknown>[] };
      for (const jwk of jwks.keys) for (const member of PRIVATE_MEMBERS) assert.equal(jwk[member], undefined);
      const { kid, privateKey } = keys.signingKey();
      const jwt = await new SignJWT({ sub: 'x' }).setProtectedHeader({ alg: 'RS256', kid }).sign(privateKey);
      await jwtVerify(jwt, createLocalJWKSet(jwks as never));
    });

    it('rotates: the new key signs, the old one stays published until expires_at', async () => {
      const keys = keySet();
      await keys.init();
      const oldKid = keys.signingKey().kid;
      const oldJwt = await new SignJWT({ sub: 'x' }).setProtectedHeader({ alg: 'RS256', kid: oldKid }).sign(keys.signingKey().privateKey);
      const startedAt = systemClock.nowSeconds();
      const { kid, retired } = await keys.rotate('RS256');
      assert.notEqual(kid, oldKid);
      assert.equal(keys.signingKey().kid, kid);
      assert.deepEqual(
        retired.map((k) => k.kid),
        [oldKid],
      );
      assert.ok(retired[0].expiresAt! >= startedAt + 3600, 'published for publishRetiredFor seconds');
      const jwks = JSON.parse(keys.jwks()) as { keys: { kid: string }[] };
      assert.deepEqual(new Set(jwks.keys.map((k) => k.kid)), new Set([kid, oldKid]));
      await jwtVerify(oldJwt, createLocalJWKSet(jwks as never));
      const info = await keys.describe();
      assert.deepEqual(
        info.filter((k) => k.active).map((k) => k.kid),
        [kid],
      );
      assert.equal(info.find((k) => k.kid === oldKid)?.active, false);
    });

    it('drops a retired key from the JWKS and the database once its publication has expired', async () => {
      const keys = keySet();
      await keys.init();
      const retiredKid = (await keys.describe()).find((k) => k.retiredAt !== null)!.kid;
      await db
        .updateTable('signing_keys')
        .set({ expires_at: systemClock.nowSeconds() - 1 })
        .where('kid', '=', retiredKid)
        .execute();
      await keys.reload();
      assert.ok(!keys.jwks().includes(retiredKid));
      assert.equal(await keys.verificationKey(retiredKid), undefined);
      await keys.rotate('RS256');
      const rows = await db.selectFrom('signing_keys').select('kid').where('kid', '=', retiredKid).execute();
      assert.equal(rows.length, 0);
    });

    it("lets two instances on one database see each other's rotation after reload()", async () => {
      const a = keySet();
      const b = keySet();
      await a.init();
      await b.init();
      assert.equal(a.signingKey().kid, b.signingKey().kid);
      const { kid } = await a.rotate('RS256');
      assert.notEqual(b.signingKey().kid, kid, 'b still uses its loaded key until it reloads');
      await b.reload();
      assert.equal(b.signingKey().kid, kid);
      assert.ok(b.jwks().includes(kid));
      const jwt = await new SignJWT({}).setProtectedHeader({ alg: 'RS256', kid }).sign(a.signingKey().privateKey);
      assert.equal(decodeProtectedHeader(jwt).kid, kid);
      assert.ok(await b.verificationKey(kid));
    });

    it('with an activation delay, publishes the rotated key first and lets it sign only after the delay', async () => {
      const delayed = new KeySet({
        store: signingKeysStore(db),
        box: createSecretBox(SECRET, 'signing-keys'),
        defaultAlgorithm: 'RS256',
        publishRetiredFor: 3600,
        activationDelay: 60,
        clock: systemClock,
      });
      const other = keySet();
      await delayed.init();
      await other.init();
      const oldKid = delayed.signingKey().kid;
      const startedAt = systemClock.nowSeconds();
      const { kid, signsFrom } = await delayed.rotate('RS256');
      assert.ok(signsFrom >= startedAt + 60);
      await other.reload();
      for (const keys of [delayed, other]) {
        assert.equal(keys.signingKey().kid, oldKid, 'the old key signs until every process has published the new one');
        assert.ok(keys.jwks().includes(kid), 'the new key is already in the JWKS');
      }
      const info = await delayed.describe();
      assert.equal(info.find((k) => k.kid === kid)?.active, false);
      assert.equal(info.find((k) => k.kid === oldKid)?.active, true);
      assert.ok(info.find((k) => k.kid === oldKid)!.expiresAt! >= signsFrom + 3600, 'published for the tokens it signs until then');
      // The delay passes (moved back in the database rather than waited for).
      await db
        .updateTable('signing_keys')
        .set({ created_at: systemClock.nowSeconds() - 1 })
        .where('kid', '=', kid)
        .execute();
      await db
        .updateTable('signing_keys')
        .set({ retired_at: systemClock.nowSeconds() - 1 })
        .where('kid', '=', oldKid)
        .execute();
      await other.reload();
      assert.equal(other.signingKey().kid, kid);
      assert.ok(other.jwks().includes(oldKid));
    });

    it('adds ES256 and EdDSA keys next to RS256, each with a unique kid', async () => {
      const keys = keySet(SECRET, 'ES256');
      await keys.init();
      await keys.rotate('EdDSA');
      assert.deepEqual(new Set(keys.algorithms()), new Set(['RS256', 'ES256', 'EdDSA']));
      assert.equal(keys.signingKey().alg, 'ES256', 'the configured algorithm signs by default');
      const jwks = JSON.parse(keys.jwks()) as { keys: { kid: string; alg: string }[] };
      assert.equal(new Set(jwks.keys.map((k) => k.kid)).size, jwks.keys.length);
      for (const alg of ['ES256', 'EdDSA'] as const) {
        const { kid, privateKey } = keys.signingKey(alg);
        const jwt = await new SignJWT({}).setProtectedHeader({ alg, kid }).sign(privateKey);
        await jwtVerify(jwt, createLocalJWKSet(jwks as never));
      }
    });
  });
}
