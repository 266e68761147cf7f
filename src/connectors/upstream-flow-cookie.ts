import type { FastifyReply, FastifyRequest } from 'fastify';
import { readCookie, setCookie } from '../session/cookies.js';
import type { UsedJtisStore } from '../storage/ports.js';
import type { Clock } from '../util/clock.js';
import { keyedHash, safeEqual } from '../util/hashing.js';
import type { SecretBox } from '../util/secret-box.js';
import type { FlowChecks } from './connector.js';
import { UpstreamError } from './upstream-error.js';

export const UPSTREAM_FLOW_COOKIE = 'tessera_upstream';
/** Seconds between leaving for the upstream and coming back: time to sign in there, not to keep a flow open. */
export const UPSTREAM_FLOW_LIFETIME = 600;

/** A sign-in (or link) through an upstream, between the start and the callback. */
export interface UpstreamFlow {
  connectorId: string;
  checks: FlowChecks;
  /** Where to go on after a sign-in (a local path: the pending authorization request). */
  returnTo?: string;
  /** Set when a signed-in person links another identity to their account: who they were at the start. */
  linkTo?: string;
  expiresAt: number;
}

export interface UpstreamFlowCookieOptions {
  box: SecretBox;
  /** Key for the replay record's name (the state itself is never stored). */
  key: Buffer;
  usedStates: Pick<UsedJtisStore, 'remember'>;
  clock: Clock;
  secure: boolean;
  /** Seconds a started flow may take. */
  lifetime: number;
}

/**
 * The flow's secrets (state, nonce, PKCE verifier) travel in a sealed (AES-GCM), HttpOnly,
 * SameSite=Lax cookie of the browser that started it, so the callback is honoured only in that
 * browser (RFC 9700 §4.7.1: CSRF on the redirect URI). It is short-lived and single-use: taking
 * it clears it and records its state, so a replayed callback finds nothing to continue.
 */
export class UpstreamFlowCookie {
  constructor(private readonly options: UpstreamFlowCookieOptions) {}

  put(reply: FastifyReply, flow: Omit<UpstreamFlow, 'expiresAt'>): void {
    const { box, clock, lifetime, secure } = this.options;
    const sealed = box.encrypt(JSON.stringify({ ...flow, expiresAt: clock.nowSeconds() + lifetime }));
    setCookie(reply, UPSTREAM_FLOW_COOKIE, sealed, { secure, maxAge: lifetime });
  }

  /** The flow of this callback, taken once: its state must be the one the upstream sent back. */
  async take(request: FastifyRequest, reply: FastifyReply, connectorId: string, returnedState: string | undefined): Promise<UpstreamFlow> {
    const { box, clock, secure, key, usedStates } = this.options;
    const sealed = readCookie(request, UPSTREAM_FLOW_COOKIE, secure);
    setCookie(reply, UPSTREAM_FLOW_COOKIE, '', { secure, maxAge: 0 });
    if (!sealed) throw new UpstreamError('invalid', 'no sign-in was started in this browser (no flow cookie)');
    let flow: UpstreamFlow;
    try {
      flow = JSON.parse(box.decrypt(sealed)) as UpstreamFlow;
    } catch {
      throw new UpstreamError('invalid', 'the flow cookie is not one this server sealed');
    }
    const now = clock.nowSeconds();
    if (flow.expiresAt <= now) throw new UpstreamError('invalid', 'the sign-in took too long (flow cookie expired)');
    if (flow.connectorId !== connectorId)
      throw new UpstreamError('invalid', `the callback is for ${connectorId}, the flow for ${flow.connectorId}`);
    // The state is compared again by openid-client; checked here too, so a forged one costs no token request.
    if (returnedState === undefined || !safeEqual(returnedState, flow.checks.state))
      throw new UpstreamError('invalid', 'the state does not match the one sent (forged or from another sign-in)');
    if (!(await usedStates.remember(`upstream-state:${keyedHash(key, flow.checks.state)}`, flow.expiresAt, now)))
      throw new UpstreamError('invalid', 'this sign-in was already completed (replayed callback)');
    return flow;
  }
}
