import type { FastifyReply, FastifyRequest } from 'fastify';
import { readCookie, setCookie } from '../session/cookies.js';
import type { SecretBox } from '../util/secret-box.js';
import type { Clock } from '../util/clock.js';

/** Who is using the console, and the admin API token the server holds for them (never sent to scripts). */
export interface ConsoleSession {
  accessToken: string;
  /** Seconds since the epoch; past it, the console signs in again. */
  expiresAt: number;
  /** The name shown in the console's header (ID token `name`, `preferred_username` or `sub`). */
  displayName: string;
  scopes: string[];
}

/** What the callback needs to finish a sign-in this browser started (RFC 6749 §10.12, RFC 7636). */
export interface PendingConsoleSignIn {
  state: string;
  nonce: string;
  codeVerifier: string;
  /** The console path to go back to afterwards. */
  returnTo: string;
  expiresAt: number;
}

/** A value shown once (a new client secret): kept only until the page that shows it is opened. */
export interface OnceValue {
  clientId: string;
  secret: string;
  expiresAt: number;
}

const SESSION = 'tessera_admin';
const PENDING = 'tessera_admin_signin';
const ONCE = 'tessera_admin_once';
/** Seconds a sign-in may take, and a shown-once secret may wait for its page. */
const PENDING_TTL = 600;
const ONCE_TTL = 120;

/**
 * The console's state lives in cookies sealed with AES-256-GCM (a key of its own, derived from
 * TESSERA_SECRET): HttpOnly, so no script reads the token; sealed, so the browser can neither read
 * nor forge it. Signing out, or the token's expiry, ends it.
 */
export class ConsoleCookies {
  constructor(
    private readonly box: SecretBox,
    private readonly secure: boolean,
    private readonly clock: Clock,
  ) {}

  session(request: FastifyRequest): ConsoleSession | undefined {
    const session = this.open<ConsoleSession>(request, SESSION);
    return session && session.expiresAt > this.clock.nowSeconds() ? session : undefined;
  }

  startSession(reply: FastifyReply, session: ConsoleSession): void {
    this.seal(reply, SESSION, session, session.expiresAt - this.clock.nowSeconds());
  }

  endSession(reply: FastifyReply): void {
    setCookie(reply, SESSION, '', { secure: this.secure, maxAge: 0 });
  }

  pending(request: FastifyRequest): PendingConsoleSignIn | undefined {
    const pending = this.open<PendingConsoleSignIn>(request, PENDING);
    return pending && pending.expiresAt > this.clock.nowSeconds() ? pending : undefined;
  }

  startPending(reply: FastifyReply, pending: Omit<PendingConsoleSignIn, 'expiresAt'>): void {
    this.seal(reply, PENDING, { ...pending, expiresAt: this.clock.nowSeconds() + PENDING_TTL }, PENDING_TTL);
  }

  endPending(reply: FastifyReply): void {
    setCookie(reply, PENDING, '', { secure: this.secure, maxAge: 0 });
  }

  keepOnce(reply: FastifyReply, value: Omit<OnceValue, 'expiresAt'>): void {
    this.seal(reply, ONCE, { ...value, expiresAt: this.clock.nowSeconds() + ONCE_TTL }, ONCE_TTL);
  }

  /** The value kept for `clientId`, removed as it is read: a reload shows it no more. */
  takeOnce(request: FastifyRequest, reply: FastifyReply, clientId: string): string | undefined {
    const value = this.open<OnceValue>(request, ONCE);
    if (!value) return undefined;
    setCookie(reply, ONCE, '', { secure: this.secure, maxAge: 0 });
    return value.clientId === clientId && value.expiresAt > this.clock.nowSeconds() ? value.secret : undefined;
  }

  private seal(reply: FastifyReply, name: string, value: object, maxAge: number): void {
    setCookie(reply, name, this.box.encrypt(JSON.stringify(value)), { secure: this.secure, maxAge });
  }

  private open<T>(request: FastifyRequest, name: string): T | undefined {
    const sealed = readCookie(request, name, this.secure);
    if (!sealed) return undefined;
    try {
      return JSON.parse(this.box.decrypt(sealed)) as T;
    } catch {
      return undefined; // sealed with another secret, or tampered with: as if absent
    }
  }
}
