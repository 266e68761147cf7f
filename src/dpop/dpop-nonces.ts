import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Clock } from '../util/clock.js';

/** Server-provided DPoP nonces (RFC 9449 §8, §9). */
export interface DpopNonces {
  /** The nonce to hand out now (the DPoP-Nonce header). */
  current(): string;
  /** Whether `nonce` is the current one or the previous one. */
  accepts(nonce: unknown): boolean;
}

/**
 * Stateless, rotating nonces: the HMAC of the current time window under a key derived from
 * the secret, so every instance of a deployment issues and accepts the same ones without
 * storing anything. The previous window's nonce is still accepted, so a client that has just
 * been given one never sees it refused at the turn of a window.
 */
export function dpopNonces(key: Buffer, lifetime: number, clock: Clock): DpopNonces {
  const nonceOf = (window: number) => createHmac('sha256', key).update(`dpop-nonce:${window}`).digest('base64url');
  const window = () => Math.floor(clock.nowSeconds() / lifetime);
  return {
    current: () => nonceOf(window()),
    accepts(nonce) {
      if (typeof nonce !== 'string' || nonce.length !== 43) return false;
      const now = window();
      return [now, now - 1].some((w) => timingSafeEqual(Buffer.from(nonceOf(w)), Buffer.from(nonce)));
    },
  };
}
