/**
 * Browser sessions: single sign-on across authorizations.
 *
 * Contract for the rooms that use them (authorize, device pages, logout):
 * - `sessions.current(request)` is the signed-in person of this browser, or undefined.
 *   `Session.userId` is the user's id, which is the `sub` of every token; `sid` is the public
 *   session id (ID token and logout token `sid`).
 * - `sessions.end(sid)` ends a session (logout); `clearCookie(reply)` forgets it in the
 *   browser. `clientsOf(sid)` lists the clients that received codes in the session.
 * - To make a person sign in, send them (303) to `loginUrl()` (login-url.ts) with a local
 *   return path; after a successful sign-in the login page answers 303 to that path.
 *
 * The cookie holds 32 random bytes; only their SHA-256 is stored (`sessions.id_hash`).
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { acrOf, amrOf, type AcrNames } from '../authn/assurance.js';
import type { AuthenticationMethods, SessionRecord, SessionsStore } from '../storage/ports.js';
import type { Clock } from '../util/clock.js';
import { hashToken } from '../util/hashing.js';
import { randomToken } from '../util/random.js';
import { readCookie, setCookie } from './cookies.js';

export const SESSION_COOKIE = 'tessera_session';

export interface Session {
  /** Public session id (`sid` claim). */
  sid: string;
  /** The user's id, which is `sub`. */
  userId: string;
  /** When the person last authenticated, with any method (OIDC Core `auth_time`; a step-up moves it). */
  authTime: number;
  /** The methods of this sign-in and when each was last used. */
  methods: AuthenticationMethods;
  /** Authentication methods (RFC 8176), e.g. ['pwd']. */
  amr: string[];
  acr: string | null;
  expiresAt: number;
  /** Changes at every sign-in (even within the same second): tells a fresh sign-in from an old one. */
  signInId: string;
}

/** A session as its owner sees it on the account page. */
export interface SessionSummary {
  sid: string;
  /** The browser's User-Agent at the last sign-in; null when unknown (sessions from before it was recorded). */
  userAgent: string | null;
  /** The client address at the last sign-in, as the server's trustProxy setting reads it. */
  address: string | null;
  createdAt: number;
  authTime: number;
  /** When it was last used (to the minute), or the sign-in time when unknown. */
  lastSeenAt: number;
}

/** Seconds between two writes of a session's `last_seen_at`. */
const LAST_SEEN_RESOLUTION = 60;
/** Longest User-Agent kept (they are shown, not parsed for decisions). */
const MAX_USER_AGENT = 400;

export interface SessionsOptions {
  store: SessionsStore;
  /** Session lifetime in seconds (config.ttl.session). */
  ttl: number;
  /** Secure cookies (https issuer). */
  secure: boolean;
  clock: Clock;
  /** The ACR names of the assurance levels (config `acr`). */
  acr: AcrNames;
}

/** How a person just authenticated. */
export interface SignInMethods {
  /** RFC 8176 methods used just now, e.g. ['pwd'] or ['pwd', 'otp'] or ['hwk', 'user']. */
  methods: string[];
  /**
   * A step-up: the methods add to those of the same user's current sign-in (a second factor
   * after an earlier password) instead of replacing them.
   */
  stepUp?: boolean;
}

export class Sessions {
  private readonly cache = new WeakMap<FastifyRequest, Session | null>();

  constructor(private readonly options: SessionsOptions) {}

  /** The live session of the browser that sent `request`. */
  async current(request: FastifyRequest): Promise<Session | undefined> {
    const cached = this.cache.get(request);
    if (cached !== undefined) return cached ?? undefined;
    const cookie = readCookie(request, SESSION_COOKIE, this.options.secure);
    const record = cookie ? await this.options.store.findLive(hashToken(cookie), this.options.clock.nowSeconds()) : undefined;
    const session = record ? toSession(record) : undefined;
    this.cache.set(request, session ?? null);
    if (record) await this.touch(record);
    return session;
  }

  /** Notes the session in use, at most once a minute (the account page's "last seen"). */
  private async touch(record: SessionRecord): Promise<void> {
    const now = this.options.clock.nowSeconds();
    if (record.lastSeenAt !== null && record.lastSeenAt > now - LAST_SEEN_RESOLUTION) return;
    await this.options.store.touch(record.sid, now, now - LAST_SEEN_RESOLUTION);
  }

  /**
   * Records a successful sign-in. The same user signing in again keeps the sid (clients of
   * the session stay known for logout) with a new auth_time; another user gets a new session
   * and the old one ends. The cookie value is always new (no session fixation). The session's
   * amr and acr follow from its methods (src/authn/assurance.ts).
   */
  async signIn(request: FastifyRequest, reply: FastifyReply, userId: string, how: SignInMethods): Promise<Session> {
    const now = this.options.clock.nowSeconds();
    const previous = await this.current(request);
    const cookie = randomToken(32);
    const methods: AuthenticationMethods = how.stepUp && previous?.userId === userId ? { ...previous.methods } : {};
    for (const method of how.methods) methods[method] = now;
    // OIDC Core §2 auth_time: the time of the latest authentication, a step-up's included.
    const fields = {
      idHash: hashToken(cookie),
      authTime: now,
      amr: amrOf(methods),
      acr: acrOf(methods, this.options.acr),
      methods,
      expiresAt: now + this.options.ttl,
      userAgent: request.headers['user-agent']?.slice(0, MAX_USER_AGENT) ?? null,
      // request.ip follows Fastify's trustProxy, which build-app.ts sets from config.trustProxy.
      address: request.ip || null,
      lastSeenAt: now,
    };
    let session: Session;
    if (previous && previous.userId === userId) {
      await this.options.store.reauthenticate(previous.sid, fields);
      session = { ...previous, ...fields, signInId: fields.idHash };
    } else {
      if (previous) await this.options.store.end(previous.sid, now);
      const record = { ...fields, sid: randomToken(16), userId, createdAt: now, endedAt: null };
      await this.options.store.insert(record);
      session = toSession(record);
    }
    setCookie(reply, SESSION_COOKIE, cookie, { secure: this.options.secure, maxAge: this.options.ttl });
    this.cache.set(request, session);
    return session;
  }

  /** Ends the session everywhere (its cookie stops working). */
  async end(sid: string): Promise<void> {
    await this.options.store.end(sid, this.options.clock.nowSeconds());
  }

  /** Ends every session of the user, on every browser but `exceptSid`'s if given (a password change); returns their sids. */
  endAllOfUser(userId: string, exceptSid?: string): Promise<string[]> {
    return this.options.store.endAllOfUser(userId, this.options.clock.nowSeconds(), exceptSid);
  }

  /** Ends one session, only if it is live and is `userId`'s (a form names it by sid: never trust that alone). */
  endOfUser(sid: string, userId: string): Promise<boolean> {
    return this.options.store.endOfUser(sid, userId, this.options.clock.nowSeconds());
  }

  /** The user's live sessions, most recently used first. */
  async listOfUser(userId: string): Promise<SessionSummary[]> {
    const records = await this.options.store.listLiveOfUser(userId, this.options.clock.nowSeconds());
    return records.map((r) => ({
      sid: r.sid,
      userAgent: r.userAgent,
      address: r.address,
      createdAt: r.createdAt,
      authTime: r.authTime,
      lastSeenAt: r.lastSeenAt ?? r.authTime,
    }));
  }

  /** Removes the session cookie from the browser. */
  clearCookie(reply: FastifyReply): void {
    setCookie(reply, SESSION_COOKIE, '', { secure: this.options.secure, maxAge: 0 });
  }

  async findBySid(sid: string): Promise<Session | undefined> {
    const record = await this.options.store.findBySid(sid);
    return record && record.endedAt === null && record.expiresAt > this.options.clock.nowSeconds() ? toSession(record) : undefined;
  }

  /** The clients that received a code in this session (for back-channel logout). */
  clientsOf(sid: string): Promise<string[]> {
    return this.options.store.clientsOf(sid);
  }
}

function toSession(record: SessionRecord): Session {
  return {
    sid: record.sid,
    userId: record.userId,
    authTime: record.authTime,
    amr: record.amr,
    acr: record.acr,
    methods: record.methods,
    expiresAt: record.expiresAt,
    signInId: record.idHash,
  };
}
