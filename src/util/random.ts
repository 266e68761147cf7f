import { randomBytes, randomInt } from 'node:crypto';

/**
 * Random bytes come from the CSPRNG 4 KiB at a time and each byte is handed out once, sparing
 * a call per token (docs/decisions.md#random-pool).
 */
const POOL_SIZE = 4096;
let pool = Buffer.alloc(0);
let used = 0;

function freshBytes(bytes: number): Buffer {
  if (bytes > POOL_SIZE / 4) return randomBytes(bytes);
  if (used + bytes > pool.length) {
    pool = randomBytes(POOL_SIZE);
    used = 0;
  }
  used += bytes;
  return pool.subarray(used - bytes, used);
}

/** A URL-safe random string of `bytes` bytes of entropy (codes and tokens use 32: 256 bits). */
export function randomToken(bytes = 32): string {
  return freshBytes(bytes).toString('base64url');
}

/** A random string of `length` characters drawn uniformly from `alphabet`. */
export function randomString(alphabet: string, length: number): string {
  let out = '';
  for (let i = 0; i < length; i++) out += alphabet[randomInt(alphabet.length)];
  return out;
}
