import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac, createPublicKey, KeyObject, sign as cryptoSign, type webcrypto } from 'node:crypto';
import fc from 'fast-check';
import { decodeProtectedHeader, errors, importJWK, jwtVerify, type CryptoKey, type JWTPayload, type JWTVerifyOptions } from 'jose';
import { generateSigningKey } from '../../src/keys/generate-signing-key.js';
import { SIGNING_ALGORITHMS, signingAlgorithm, type SigningAlgorithm } from '../../src/jose/algorithms.js';
import { signJwt, type OwnJwtType, type SigningKey } from '../../src/jose/sign.js';
import { verifyOwnJwt, type OwnJwtKind, type VerificationKeys } from '../../src/jose/verify-own.js';

/**
 * The hand-written signer and verifier held to jose on generated tokens, well-formed and not:
 * whatever `signJwt` makes, jose's `jwtVerify` accepts; whatever `jwtVerify` refuses,
 * `verifyOwnJwt` refuses; where both accept, they read the same claims.
 */

const ISSUER = 'https://issuer.example';
/** One clock for both verifiers, so that exp and nbf edges are the same second for each. */
const NOW = Math.floor(Date.now() / 1000);

interface TestKey {
  signing: SigningKey;
  publicKey: CryptoKey;
  privateObject: KeyObject;
  publicPem: string;
}

/** Two keys per algorithm: the first of each is published by kid, the second signs forgeries. */
const keys = new Map<SigningAlgorithm, [TestKey, TestKey]>();
const published = new Map<string, CryptoKey>();
const ownKeys: VerificationKeys = { verificationKey: async (kid) => published.get(kid) };

async function testKey(alg: SigningAlgorithm): Promise<TestKey> {
  const generated = await generateSigningKey(alg);
  const privateKey = (await importJWK(generated.privateJwk, alg)) as CryptoKey;
  const publicKey = (await importJWK(generated.publicJwk, alg)) as CryptoKey;
  const privateObject = KeyObject.from(privateKey as webcrypto.CryptoKey);
  return {
    signing: { kid: generated.kid, alg, privateKey },
    publicKey,
    privateObject,
    publicPem: createPublicKey(privateObject).export({ type: 'spki', format: 'pem' }).toString(),
  };
}

/** What jose's jwtVerify says of a token, given the expectations verifyOwnJwt is asked for. */
async function jose(
  token: string,
  kind: OwnJwtKind,
  allowExpired: boolean,
): Promise<{ ok: true; payload: JWTPayload } | { ok: false; error: string }> {
  const options: JWTVerifyOptions = { issuer: ISSUER, algorithms: [...SIGNING_ALGORITHMS], currentDate: new Date(NOW * 1000) };
  if (kind === 'access') {
    options.typ = 'at+jwt';
    options.requiredClaims = ['exp', 'jti', 'client_id', 'sub'];
  } else {
    // jose has no "JWT or no typ at all": a typ that is there must be JWT.
    let typ: unknown;
    try {
      typ = decodeProtectedHeader(token).typ;
    } catch {
      typ = undefined;
    }
    if (typ !== undefined) options.typ = 'JWT';
    options.requiredClaims = ['exp', 'sub', 'aud', 'iat'];
  }
  const key = async (header: { kid?: unknown }) => {
    const found = typeof header.kid === 'string' ? published.get(header.kid) : undefined;
    if (!found) throw new Error('no key for this kid');
    return found;
  };
  try {
    return { ok: true, payload: (await jwtVerify(token, key, options)).payload };
  } catch (err) {
    // jose checks exp after every other claim: an expired token is otherwise sound.
    if (allowExpired && err instanceof errors.JWTExpired && err.claim === 'exp') return { ok: true, payload: err.payload };
    return { ok: false, error: String(err) };
  }
}

// ---- generated tokens -------------------------------------------------------------------

const MISSING = Symbol('missing');

/** Mostly the clean value, now and then one of the faulty ones: about one fault per token. */
function usually<T>(clean: fc.Arbitrary<T> | T, ...faulty: unknown[]): fc.Arbitrary<unknown> {
  const cleanArb = clean instanceof fc.Arbitrary ? clean : fc.constant(clean);
  return fc.oneof({ weight: 15, arbitrary: cleanArb as fc.Arbitrary<unknown> }, { weight: 1, arbitrary: fc.constantFrom(...faulty) });
}

/** Ways to write a JSON object's bytes. */
const TEXT_FORMS = ['plain', 'spaced', 'bom', 'bad-utf8', 'array', 'string', 'null', 'not-json', 'empty', 'duplicate', 'huge-exp'] as const;
/** Ways to base64url-encode a part before signing (so that the signature covers the odd text). */
const ENCODINGS = ['b64url', 'padded', 'standard', 'space', 'newline', 'extra-char', 'bang', 'non-ascii'] as const;
/** What signs the input. */
const SIGNERS = ['kid-key', 'other-key', 'empty', 'unsecured', 'hmac-with-public-key', 'garbage'] as const;
/** What happens to the compact string after signing. */
const MUTATIONS = [
  'none',
  'flip-signature',
  'flip-payload',
  'flip-header',
  'drop-signature-char',
  'drop-leading-byte',
  'extra-dot',
  'extra-part',
  'two-parts',
  'leading-space',
  'trailing-newline',
  'inner-space',
  'pad-signature',
  'standard-signature',
] as const;

/** exp, nbf and iat around the shared clock, on both sides of each edge. */
const EDGES = [-3600, -61, -60, -11, -10, -1, 0, 1, 10, 59, 60, 61, 3600].map((d) => NOW + d);
const time = (clean: unknown) =>
  fc.oneof(
    { weight: 12, arbitrary: fc.constant(clean) },
    { weight: 3, arbitrary: fc.constantFrom(...EDGES) },
    { weight: 1, arbitrary: fc.constantFrom<unknown>(MISSING, '1', null, true, NOW + 0.5, [NOW], 0, -1) },
  );

const claimsArb = fc.record({
  iss: usually(ISSUER, `${ISSUER}/`, 'https://other.example', MISSING, 5, [ISSUER]),
  sub: usually('alice', MISSING, 5, '', null),
  aud: usually(fc.constantFrom('web', ['web'], ['web', 'api']), [], MISSING, 5, [5], ['web', 5]),
  client_id: usually('web', MISSING, 7, null),
  jti: usually('jti-1', MISSING, 8, ''),
  sid: fc.constantFrom(MISSING, 'sid-1'),
  exp: time(NOW + 300),
  nbf: time(MISSING),
  iat: time(NOW),
  extra: fc.dictionary(fc.string({ maxLength: 6 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 3 }),
});

const headerArb = fc.record({
  alg: usually('own', 'RS256', 'ES256', 'EdDSA', 'none', 'HS256', 'PS256', 'ES384', 'Ed25519', 'rs256', '', 5, null, MISSING),
  kid: usually('own', 'other-type', 'unpublished', MISSING, 7, ''),
  typ: usually(
    fc.constantFrom('at+jwt', 'JWT', MISSING),
    ...['application/at+jwt', 'AT+JWT', 'Application/At+Jwt', 'jwt', 'application/jwt', 'logout+jwt', 'application/logout+jwt'],
    ...[5, '', 'application/application/at+jwt', 'x/at+jwt', 'at+jwt ', 'JWT/', 'JOSE'],
  ),
  crit: usually(MISSING, ['exp'], ['b64'], [], 'exp', ['kid'], ['alg']),
  b64: usually(MISSING, true, false),
  extra: fc.dictionary(fc.constantFrom('x5u', 'jku', 'cty', 'zip', 'enc', 'foo', '__proto__'), fc.jsonValue({ maxDepth: 1 }), {
    maxKeys: 2,
  }),
});

const tokenArb = fc.record({
  alg: fc.constantFrom(...SIGNING_ALGORITHMS),
  header: headerArb,
  claims: claimsArb,
  headerText: usually('plain', ...TEXT_FORMS) as fc.Arbitrary<(typeof TEXT_FORMS)[number]>,
  payloadText: usually('plain', ...TEXT_FORMS) as fc.Arbitrary<(typeof TEXT_FORMS)[number]>,
  headerEncoding: usually('b64url', ...ENCODINGS) as fc.Arbitrary<(typeof ENCODINGS)[number]>,
  payloadEncoding: usually('b64url', ...ENCODINGS) as fc.Arbitrary<(typeof ENCODINGS)[number]>,
  signer: usually('kid-key', ...SIGNERS) as fc.Arbitrary<(typeof SIGNERS)[number]>,
  mutation: usually('none', ...MUTATIONS) as fc.Arbitrary<(typeof MUTATIONS)[number]>,
  position: fc.nat(),
});
type TokenSpec = typeof tokenArb extends fc.Arbitrary<infer T> ? T : never;

function present(record: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(record).filter(([, v]) => v !== MISSING));
}

/** The bytes of a JSON object, written in one of the TEXT_FORMS. */
function jsonBytes(value: Record<string, unknown>, form: (typeof TEXT_FORMS)[number]): Buffer {
  const text = JSON.stringify(value);
  switch (form) {
    case 'plain':
      return Buffer.from(text);
    case 'spaced':
      return Buffer.from(` \n${text}\t `);
    case 'bom':
      return Buffer.from(`\uFEFF${text}`);
    case 'bad-utf8':
      return Buffer.concat([Buffer.from(`{"pad":"`), Buffer.from([0xff, 0xfe]), Buffer.from(`",${text.slice(1)}`)]);
    case 'array':
      return Buffer.from(`[${text}]`);
    case 'string':
      return Buffer.from(JSON.stringify(text));
    case 'null':
      return Buffer.from('null');
    case 'not-json':
      return Buffer.from(text.slice(0, -1));
    case 'empty':
      return Buffer.alloc(0);
    case 'duplicate':
      return Buffer.from(`{"exp":1,"typ":"x","alg":"none",${text.slice(1)}`);
    case 'huge-exp':
      return Buffer.from(`{${text.slice(1, -1)}${text.length > 2 ? ',' : ''}"exp":1e400}`);
  }
}

/** A part's base64url text, written in one of the ENCODINGS. */
function encodePart(bytes: Buffer, encoding: (typeof ENCODINGS)[number], position: number): string {
  const plain = bytes.toString('base64url');
  const at = plain.length === 0 ? 0 : position % plain.length;
  switch (encoding) {
    case 'b64url':
      return plain;
    case 'padded':
      return bytes.toString('base64').replace(/\+/g, '-').replace(/\//g, '_');
    case 'standard':
      return bytes.toString('base64').replace(/=+$/, '');
    case 'space':
      return `${plain.slice(0, at)} ${plain.slice(at)}`;
    case 'newline':
      return `${plain.slice(0, at)}\n${plain.slice(at)}`;
    case 'extra-char':
      return `${plain}A`;
    case 'bang':
      return `${plain.slice(0, at)}!${plain.slice(at)}`;
    case 'non-ascii':
      return `${plain.slice(0, at)}é${plain.slice(at)}`;
  }
}

function flip(part: string, position: number): string {
  if (part.length === 0) return 'A';
  const at = position % part.length;
  const replacement = part[at] === 'A' ? 'B' : 'A';
  return `${part.slice(0, at)}${replacement}${part.slice(at + 1)}`;
}

function mutate(token: string, mutation: (typeof MUTATIONS)[number], position: number): string {
  const [h, p, s] = token.split('.');
  switch (mutation) {
    case 'none':
      return token;
    case 'flip-signature':
      return `${h}.${p}.${flip(s, position)}`;
    case 'flip-payload':
      return `${h}.${flip(p, position)}.${s}`;
    case 'flip-header':
      return `${flip(h, position)}.${p}.${s}`;
    case 'drop-signature-char':
      return `${h}.${p}.${s.slice(0, -1)}`;
    case 'drop-leading-byte':
      return `${h}.${p}.${Buffer.from(s, 'base64url').subarray(1).toString('base64url')}`;
    case 'extra-dot':
      return `${token}.`;
    case 'extra-part':
      return `${h}.${p}.${p}.${s}`;
    case 'two-parts':
      return `${h}.${p}`;
    case 'leading-space':
      return ` ${token}`;
    case 'trailing-newline':
      return `${token}\n`;
    case 'inner-space':
      return `${h}.${p}.${s.slice(0, position % (s.length + 1))} ${s.slice(position % (s.length + 1))}`;
    case 'pad-signature':
      return `${h}.${p}.${s}==`;
    case 'standard-signature':
      return `${h}.${p}.${Buffer.from(s, 'base64url').toString('base64').replace(/=+$/, '')}`;
  }
}

/** Signers that make sense only with their own alg header: RFC 7519 §6 unsecured JWTs, RFC 8725 §2.1 key confusion. */
const ALG_OF_SIGNER: Partial<Record<(typeof SIGNERS)[number], string>> = { unsecured: 'none', 'hmac-with-public-key': 'HS256' };

/** A compact JWS built from the spec: header, claims, their encodings, a signer and a mutation. */
function buildToken(spec: TokenSpec): string {
  const [key, otherKey] = keys.get(spec.alg)!;
  const otherType = keys.get(SIGNING_ALGORITHMS.find((a) => a !== spec.alg)!)![0];
  const kids: Record<string, unknown> = { own: key.signing.kid, 'other-type': otherType.signing.kid, unpublished: otherKey.signing.kid };
  const header = present({
    ...spec.header.extra,
    alg: ALG_OF_SIGNER[spec.signer] ?? (spec.header.alg === 'own' ? spec.alg : spec.header.alg),
    kid: typeof spec.header.kid === 'string' && spec.header.kid in kids ? kids[spec.header.kid] : spec.header.kid,
    typ: spec.header.typ,
    crit: spec.header.crit,
    b64: spec.header.b64,
  });
  const { extra, ...named } = spec.claims;
  const claims = present({ ...extra, ...named });
  const headerPart = encodePart(jsonBytes(header, spec.headerText), spec.headerEncoding, spec.position);
  const payloadPart = encodePart(jsonBytes(claims, spec.payloadText), spec.payloadEncoding, spec.position);
  const input = `${headerPart}.${payloadPart}`;
  // The key the header names signs, with its own algorithm, whatever the header says.
  const kidKey = [key, otherKey, otherType].find((k) => k.signing.kid === header.kid) ?? key;
  let signature: string;
  switch (spec.signer) {
    case 'kid-key':
      signature = rawSign(kidKey, input);
      break;
    case 'other-key':
      signature = rawSign(otherKey, input);
      break;
    case 'empty':
    case 'unsecured':
      signature = '';
      break;
    case 'hmac-with-public-key':
      // RFC 8725 §2.1: the public key used as an HMAC secret.
      signature = createHmac('sha256', kidKey.publicPem).update(input).digest('base64url');
      break;
    case 'garbage':
      signature = Buffer.from(`garbage-${spec.position}`).toString('base64url');
      break;
  }
  return mutate(`${input}.${signature}`, spec.mutation, spec.position);
}

function rawSign(key: TestKey, input: string): string {
  const { digest, dsaEncoding } = signingAlgorithm(key.signing.alg);
  return cryptoSign(digest, Buffer.from(input), dsaEncoding ? { key: key.privateObject, dsaEncoding } : key.privateObject).toString(
    'base64url',
  );
}

const CHECKS: { kind: OwnJwtKind; allowExpired: boolean }[] = [
  { kind: 'access', allowExpired: false },
  { kind: 'id', allowExpired: false },
  { kind: 'id', allowExpired: true },
];

describe('signJwt and verifyOwnJwt against jose (differential, generated tokens)', () => {
  before(async () => {
    for (const alg of SIGNING_ALGORITHMS) {
      const pair: [TestKey, TestKey] = [await testKey(alg), await testKey(alg)];
      keys.set(alg, pair);
      published.set(pair[0].signing.kid, pair[0].publicKey);
    }
  });

  it('everything signJwt makes verifies under jose with the public key, with the claims it was given', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...SIGNING_ALGORITHMS),
        fc.constantFrom<OwnJwtType>('JWT', 'at+jwt', 'logout+jwt'),
        fc.dictionary(fc.string({ maxLength: 8 }), fc.oneof(fc.jsonValue({ maxDepth: 2 }), fc.constant(undefined)), { maxKeys: 5 }),
        fc.string({ unit: 'binary', maxLength: 20 }),
        async (alg, typ, extra, text) => {
          const { signing, publicKey } = keys.get(alg)![0];
          const claims = { ...extra, iss: ISSUER, sub: text, iat: NOW, exp: NOW + 60, nbf: undefined };
          const token = await signJwt(signing, typ, claims);
          const { payload, protectedHeader } = await jwtVerify(token, publicKey, {
            typ,
            algorithms: [alg],
            issuer: ISSUER,
            currentDate: new Date(NOW * 1000),
          });
          assert.deepEqual(protectedHeader, { alg, kid: signing.kid, typ });
          assert.deepStrictEqual(payload, JSON.parse(JSON.stringify(claims)));
        },
      ),
      { numRuns: 150 },
    );
  });

  it('a token signJwt makes for a use is accepted by both verifiers for that use, with the same claims', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...SIGNING_ALGORITHMS), fc.constantFrom(...CHECKS), claimsArb, async (alg, check, generated) => {
        const { extra, ...named } = generated;
        // A token of the right shape: the generated oddities are left to the next property.
        const claims = {
          ...extra,
          ...named,
          iss: ISSUER,
          sub: 'alice',
          aud: 'web',
          client_id: 'web',
          jti: 'jti-1',
          iat: NOW,
          exp: NOW + 300,
          nbf: MISSING,
          sid: MISSING,
        };
        const token = await signJwt(keys.get(alg)![0].signing, check.kind === 'access' ? 'at+jwt' : 'JWT', present(claims));
        const ours = await verifyOwnJwt(token, ownKeys, { issuer: ISSUER, now: NOW, ...check });
        const theirs = await jose(token, check.kind, check.allowExpired);
        assert.ok(theirs.ok, `jose refused a token of ours: ${!theirs.ok && theirs.error}`);
        assert.ok(ours, 'verifyOwnJwt refused a token of ours');
        assert.deepStrictEqual(ours, theirs.payload);
      }),
      { numRuns: 150 },
    );
  });

  it('whatever jose refuses, verifyOwnJwt refuses; where both accept, the claims are equal', async () => {
    const tally = { tokens: 0, bothAccepted: 0, joseRefused: 0 };
    await fc.assert(
      fc.asyncProperty(tokenArb, async (spec) => {
        const token = buildToken(spec);
        tally.tokens++;
        for (const check of CHECKS) {
          const ours = await verifyOwnJwt(token, ownKeys, { issuer: ISSUER, now: NOW, ...check });
          const theirs = await jose(token, check.kind, check.allowExpired);
          if (!theirs.ok) tally.joseRefused++;
          if (ours === undefined) continue;
          const verifier = `verifyOwnJwt (${check.kind}${check.allowExpired ? ', expired allowed' : ''})`;
          assert.ok(theirs.ok, `${verifier} accepted what jose refuses (${!theirs.ok && theirs.error}): ${JSON.stringify(token)}`);
          assert.deepStrictEqual(ours, theirs.payload);
          tally.bothAccepted++;
        }
      }),
      { numRuns: 1500 },
    );
    // The generator must reach both sides of the line, or the property proves nothing.
    assert.ok(tally.bothAccepted > tally.tokens / 20, `only ${tally.bothAccepted} acceptances in ${tally.tokens} tokens`);
    assert.ok(tally.joseRefused > tally.tokens, `only ${tally.joseRefused} refusals in ${tally.tokens} tokens`);
  });
});
