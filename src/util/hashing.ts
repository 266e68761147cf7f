import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/**
 * SHA-256 of a high-entropy token or code, the form in which it is stored. A random 256-bit
 * value needs no salt or slow hash: its hash cannot be inverted or guessed.
 */
export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('base64url');
}

/** HMAC-SHA-256 under a server key: the stored form of client secrets. */
export function keyedHash(key: Buffer, value: string): string {
  return createHmac('sha256', key).update(value).digest('base64url');
}

/** Constant-time comparison of two strings (false on different lengths, without early exit on content). */
export function safeEqual(a: string, b: string): boolean {
  const left = createHash('sha256').update(a).digest();
  const right = createHash('sha256').update(b).digest();
  return timingSafeEqual(left, right) && a.length === b.length;
}
