import type { FastifyReply, FastifyRequest } from 'fastify';
import { readCookie, setCookie } from '../session/cookies.js';
import type { Clock } from '../util/clock.js';
import type { SecretBox } from '../util/secret-box.js';

export const PENDING_SIGN_IN_COOKIE = 'tessera_pending_sign_in';

/** A first factor that was right, waiting for the second: not a session, nothing is signed in yet. */
export interface PendingSignIn {
  userId: string;
  username: string;
  /** RFC 8176 methods already used (['pwd']). */
  methods: string[];
}

interface Sealed extends PendingSignIn {
  exp: number;
}

export interface PendingSignInsOptions {
  /** AES-256-GCM under a key derived from TESSERA_SECRET: the browser can neither read nor forge it. */
  box: SecretBox;
  /** Seconds the second factor may take (config ttl.interaction). */
  ttl: number;
  secure: boolean;
  clock: Clock;
}

/**
 * The state between the password and the second factor travels sealed in a cookie, so any
 * instance can take the second step. Replays of it gain nothing: the second factor is checked
 * and throttled on the server, each code once.
 */
export class PendingSignIns {
  constructor(private readonly options: PendingSignInsOptions) {}

  start(reply: FastifyReply, pending: PendingSignIn): void {
    const sealed: Sealed = { ...pending, exp: this.options.clock.nowSeconds() + this.options.ttl };
    setCookie(reply, PENDING_SIGN_IN_COOKIE, this.options.box.encrypt(JSON.stringify(sealed)), {
      secure: this.options.secure,
      maxAge: this.options.ttl,
    });
  }

  /** The browser's pending sign-in, or undefined when none, altered or expired. */
  find(request: FastifyRequest): PendingSignIn | undefined {
    const value = readCookie(request, PENDING_SIGN_IN_COOKIE, this.options.secure);
    if (!value || value.length > 4000) return undefined;
    try {
      const sealed = JSON.parse(this.options.box.decrypt(value)) as Sealed;
      if (typeof sealed.exp !== 'number' || sealed.exp < this.options.clock.nowSeconds()) return undefined;
      return { userId: sealed.userId, username: sealed.username, methods: sealed.methods };
    } catch {
      return undefined;
    }
  }

  clear(reply: FastifyReply): void {
    setCookie(reply, PENDING_SIGN_IN_COOKIE, '', { secure: this.options.secure, maxAge: 0 });
  }
}
