import { sign, KeyObject, type webcrypto } from 'node:crypto';
import { generateKeyPair, SignJWT } from 'jose';
import argon2 from 'argon2';
import { PASSWORD_HASH_OPTIONS } from '../../src/accounts/password-hashing.js';

/**
 * What the hardware allows, measured in a process of its own:
 *   ceiling-worker sign RS256|ES256 <seconds> <in flight>   jose signatures per second
 *   ceiling-worker sign-node RS256|ES256 <seconds> <in flight>   node:crypto on the thread pool (for comparison)
 *   ceiling-worker argon2 <seconds> <in flight>             argon2id hashes per second, with Tessera's own parameters
 * Prints one JSON line: { perSecond }.
 */
const [mode, ...rest] = process.argv.slice(2);

async function measure(seconds: number, inFlight: number, work: () => Promise<unknown>): Promise<number> {
  const warmUntil = performance.now() + Math.min(500, seconds * 200);
  let done = 0;
  let started = 0;
  let end = 0;
  const loop = async () => {
    while (performance.now() < warmUntil) await work();
    started ||= performance.now();
    end = started + seconds * 1000;
    while (performance.now() < end) {
      await work();
      done++;
    }
  };
  await Promise.all(Array.from({ length: inFlight }, loop));
  return done / ((performance.now() - started) / 1000);
}

if (mode === 'sign') {
  const [alg, seconds, inFlight] = rest;
  const { privateKey } = await generateKeyPair(alg, alg === 'RS256' ? { modulusLength: 2048 } : {});
  const now = Math.floor(Date.now() / 1000);
  // The shape of a client_credentials access token (RFC 9068), as Tessera and the peer sign it.
  const sign = () =>
    new SignJWT({ client_id: 'bench_service' })
      .setProtectedHeader({ alg, kid: 'AcmhA4t9Q0n2bb3cQPz7Lf4kZ6lNRq3oOe6ToYl3ZPk', typ: 'at+jwt' })
      .setIssuer('http://127.0.0.1:40000')
      .setSubject('bench_service')
      .setAudience('urn:bench:api')
      .setIssuedAt(now)
      .setExpirationTime(now + 600)
      .setJti('U-gOj2sgpCqQWO1IPcavgw')
      .sign(privateKey);
  console.log(JSON.stringify({ perSecond: await measure(Number(seconds), Number(inFlight), sign) }));
} else if (mode === 'sign-node') {
  const [alg, seconds, inFlight] = rest;
  const { privateKey } = await generateKeyPair(alg, alg === 'RS256' ? { modulusLength: 2048 } : {});
  const key = KeyObject.from(privateKey as webcrypto.CryptoKey);
  const input = Buffer.from(
    'e30.' +
      Buffer.from(
        JSON.stringify({
          client_id: 'bench_service',
          iss: 'http://127.0.0.1:40000',
          sub: 'bench_service',
          aud: 'urn:bench:api',
          iat: 1,
          exp: 2,
          jti: 'x',
        }),
      ).toString('base64url'),
  );
  const options = alg === 'ES256' ? { key, dsaEncoding: 'ieee-p1363' as const } : key;
  const once = () => new Promise((resolve, reject) => sign('sha256', input, options, (err, sig) => (err ? reject(err) : resolve(sig))));
  console.log(JSON.stringify({ perSecond: await measure(Number(seconds), Number(inFlight), once) }));
} else if (mode === 'argon2') {
  const [seconds, inFlight] = rest;
  console.log(
    JSON.stringify({
      perSecond: await measure(Number(seconds), Number(inFlight), () => argon2.hash('bench-password', PASSWORD_HASH_OPTIONS)),
    }),
  );
} else {
  console.error('usage: ceiling-worker sign RS256|ES256 <seconds> <in flight> | argon2 <seconds> <in flight>');
  process.exit(2);
}
