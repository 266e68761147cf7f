import type { FastifyReply, FastifyRequest } from 'fastify';
import type {} from '@fastify/cookie';

/** The value of cookie `name` in the request, if any (parsed by @fastify/cookie in the page scope). */
export function readCookie(request: FastifyRequest, name: string): string | undefined {
  return request.cookies?.[name];
}

export interface CookieOptions {
  /** Seconds; 0 deletes the cookie. Omitted: a browser-session cookie. */
  maxAge?: number;
  /** Set under https issuers. */
  secure: boolean;
}

/**
 * Sets a cookie on the reply, replacing one of the same name set earlier in this request.
 * Every Tessera cookie is HttpOnly, SameSite=Lax and Path=/, and Secure when the issuer is https
 * (RFC 6265bis §8.8: Lax keeps it out of cross-site subrequests and form POSTs).
 */
export function setCookie(reply: FastifyReply, name: string, value: string, options: CookieOptions): void {
  reply.setCookie(name, value, {
    path: '/',
    httpOnly: true,
    sameSite: 'lax',
    secure: options.secure,
    maxAge: options.maxAge === undefined ? undefined : Math.max(0, Math.floor(options.maxAge)),
  });
  // Later reads in this request see what the browser will hold (a second form on one page).
  const cookies = reply.request.cookies;
  if (!cookies) return;
  if (options.maxAge === 0) delete cookies[name];
  else cookies[name] = value;
}
