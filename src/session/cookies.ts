import type { FastifyReply, FastifyRequest } from 'fastify';
import type {} from '@fastify/cookie';

/**
 * A cookie's name on the wire. Under an https issuer it carries the `__Host-` prefix
 * (RFC 6265bis §4.1.3.2): the browser accepts it only Secure, with Path=/ and no Domain, so a
 * sibling subdomain can neither set nor shadow it (cookie tossing). Plain http (dev) cannot
 * use the prefix, and gets the plain name.
 */
export function cookieName(name: string, secure: boolean): string {
  return secure ? `__Host-${name}` : name;
}

/** The value of cookie `name` (prefixed under https) in the request, if any (parsed by @fastify/cookie in the page scope). */
export function readCookie(request: FastifyRequest, name: string, secure: boolean): string | undefined {
  return request.cookies?.[cookieName(name, secure)];
}

export interface CookieOptions {
  /** Seconds; 0 deletes the cookie. Omitted: a browser-session cookie. */
  maxAge?: number;
  /** Set under https issuers: the name then gets the `__Host-` prefix. */
  secure: boolean;
}

/**
 * Sets a cookie on the reply, replacing one of the same name set earlier in this request.
 * Every Tessera cookie is HttpOnly, SameSite=Lax, Path=/ without Domain, and under an https
 * issuer Secure with the `__Host-` prefix (RFC 6265bis §8.8: Lax keeps it out of cross-site
 * subrequests and form POSTs).
 */
export function setCookie(reply: FastifyReply, name: string, value: string, options: CookieOptions): void {
  const wireName = cookieName(name, options.secure);
  reply.setCookie(wireName, value, {
    path: '/',
    httpOnly: true,
    sameSite: 'lax',
    secure: options.secure,
    maxAge: options.maxAge === undefined ? undefined : Math.max(0, Math.floor(options.maxAge)),
  });
  // Later reads in this request see what the browser will hold (a second form on one page).
  const cookies = reply.request.cookies;
  if (!cookies) return;
  if (options.maxAge === 0) delete cookies[wireName];
  else cookies[wireName] = value;
}
