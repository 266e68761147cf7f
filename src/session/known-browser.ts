import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Clock } from '../util/clock.js';
import { keyedHash, safeEqual } from '../util/hashing.js';
import { randomToken } from '../util/random.js';
import { readCookie, setCookie } from './cookies.js';

export const KNOWN_BROWSER_COOKIE = 'tessera_device';

export interface KnownBrowsersOptions {
  /** HMAC key derived from TESSERA_SECRET (deriveKey(secret, 'known-browser')). */
  key: Buffer;
  /** Seconds a browser stays known after a successful sign-in (config signIn.knownBrowserLifetime). */
  lifetime: number;
  secure: boolean;
  clock: Clock;
}

/**
 * Device cookies (OWASP "Slow down online guessing attacks with device cookies"): after a
 * successful sign-in the browser gets `<id>.<issued>.<mac>`, the MAC binding the random id
 * and the time to the account's username. A later attempt at that account from that browser
 * has its own allowance, so a stranger's failures cannot lock the owner out. Nothing is stored:
 * a browser is known to one account, the last it signed in to.
 */
export class KnownBrowsers {
  constructor(private readonly options: KnownBrowsersOptions) {}

  /** The browser's id when its device cookie is genuine, unexpired and for this username. */
  identify(request: FastifyRequest, username: string): string | undefined {
    const [id, issued, mac, extra] = (readCookie(request, KNOWN_BROWSER_COOKIE, this.options.secure) ?? '').split('.');
    if (!id || !issued || !mac || extra !== undefined) return undefined;
    if (!safeEqual(this.mac(id, issued, username), mac)) return undefined;
    if (Number(issued) + this.options.lifetime <= this.options.clock.nowSeconds()) return undefined;
    return id;
  }

  /** Makes the browser known to the account it just signed in to (a new id each time). */
  remember(reply: FastifyReply, username: string): void {
    const id = randomToken(16);
    const issued = String(this.options.clock.nowSeconds());
    setCookie(reply, KNOWN_BROWSER_COOKIE, `${id}.${issued}.${this.mac(id, issued, username)}`, {
      secure: this.options.secure,
      maxAge: this.options.lifetime,
    });
  }

  private mac(id: string, issued: string, username: string): string {
    return keyedHash(this.options.key, `${id}\n${issued}\n${username.toLowerCase()}`);
  }
}
