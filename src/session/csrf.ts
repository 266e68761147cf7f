import type { FastifyReply, FastifyRequest } from 'fastify';
import { keyedHash, safeEqual } from '../util/hashing.js';
import { randomToken } from '../util/random.js';
import { readCookie, setCookie } from './cookies.js';
import { InvalidRequestNoRedirect } from '../protocol/oauth-errors.js';

export const CSRF_COOKIE = 'tessera_csrf';
/** The hidden form field every Tessera form carries. */
export const CSRF_FIELD = 'csrf_token';

export interface CsrfOptions {
  /** HMAC key derived from TESSERA_SECRET (deriveKey(secret, 'csrf')). */
  key: Buffer;
  secure: boolean;
}

/**
 * Signed double-submit CSRF protection: the browser holds a random cookie, the form carries
 * HMAC(key, cookie). A cross-site page can neither read the cookie nor compute the HMAC.
 * Returns the token to put in the form's `csrf_token` field (sets the cookie if missing).
 */
export function csrfToken(request: FastifyRequest, reply: FastifyReply, options: CsrfOptions): string {
  let seed = readCookie(request, CSRF_COOKIE);
  if (!seed || seed.length < 32) {
    seed = randomToken(32);
    setCookie(reply, CSRF_COOKIE, seed, { secure: options.secure });
  }
  return keyedHash(options.key, seed);
}

/** Throws unless the form's `csrf_token` matches the browser's CSRF cookie (constant-time). */
export function verifyCsrf(request: FastifyRequest, form: Record<string, string>, options: CsrfOptions): void {
  const seed = readCookie(request, CSRF_COOKIE);
  const presented = form[CSRF_FIELD];
  if (!seed || !presented || !safeEqual(keyedHash(options.key, seed), presented)) {
    throw new InvalidRequestNoRedirect('the form has expired or was not sent from this site: go back, reload the page and try again');
  }
}
