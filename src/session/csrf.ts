import type { FastifyReply, FastifyRequest } from 'fastify';
import { keyedHash, safeEqual } from '../util/hashing.js';
import { randomToken } from '../util/random.js';
import { readCookie, setCookie } from './cookies.js';
import { SESSION_COOKIE } from './sessions.js';
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
 * Signed double-submit CSRF protection bound to the browser session: the browser holds a random
 * cookie, the form carries HMAC(key, cookie, session cookie). A cross-site page can neither read
 * the cookies nor compute the HMAC, and a token shown in one session (say the attacker's own,
 * with a CSRF cookie tossed into the victim's browser) is refused in any other; signing in or
 * out changes the session cookie, so forms from before then are refused too.
 * Returns the token to put in the form's `csrf_token` field (sets the cookie if missing).
 */
export function csrfToken(request: FastifyRequest, reply: FastifyReply, options: CsrfOptions): string {
  let seed = csrfSeed(request, options);
  if (!seed || seed.length < 32) {
    seed = randomToken(32);
    setCookie(reply, CSRF_COOKIE, seed, { secure: options.secure });
  }
  return expectedToken(request, seed, options);
}

/** Throws unless the form's `csrf_token` matches the browser's CSRF and session cookies (constant-time). */
export function verifyCsrf(request: FastifyRequest, form: Record<string, string>, options: CsrfOptions): void {
  const seed = csrfSeed(request, options);
  const presented = form[CSRF_FIELD];
  if (!seed || !presented || !safeEqual(expectedToken(request, seed, options), presented)) {
    throw new InvalidRequestNoRedirect('the form has expired or was not sent from this site: go back, reload the page and try again');
  }
}

/** The browser's CSRF cookie, if any (also what tells one browser from another before sign-in). */
export function csrfSeed(request: FastifyRequest, options: Pick<CsrfOptions, 'secure'>): string | undefined {
  return readCookie(request, CSRF_COOKIE, options.secure);
}

function expectedToken(request: FastifyRequest, seed: string, options: CsrfOptions): string {
  const session = readCookie(request, SESSION_COOKIE, options.secure) ?? '';
  return keyedHash(options.key, `${seed}\n${session}`);
}
