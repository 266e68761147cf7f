import type { Clock } from '../util/clock.js';
import type { SecretBox } from '../util/secret-box.js';
import type { AuthorizationRequest } from './authorization-request.js';

interface Sealed {
  request: AuthorizationRequest;
  /** Set on the consent page: the session that was shown it. */
  sid?: string;
  exp: number;
}

/** A sealed value longer than this was not made here (a request seals to a few kilobytes). */
const MAX_SEALED_LENGTH = 20000;

export interface PendingRequestsDeps {
  /** AES-256-GCM under a key derived from TESSERA_SECRET. */
  box: SecretBox;
  /** Seconds a pending request stays usable (config.ttl.interaction). */
  ttl: number;
  clock: Clock;
}

export interface PendingRequests {
  seal(request: AuthorizationRequest, sid?: string): string;
  /** The sealed request, or undefined when it was altered, is not ours, or has expired. */
  unseal(value: string | undefined): { request: AuthorizationRequest; sid?: string } | undefined;
}

/**
 * Pending authorization requests travel between the pages sealed: the browser cannot read or
 * change them, and they expire after `ttl`. Nothing is stored server-side until a code is issued.
 */
export function pendingRequests({ box, ttl, clock }: PendingRequestsDeps): PendingRequests {
  return {
    seal(request, sid) {
      const sealed: Sealed = { request, sid, exp: clock.nowSeconds() + ttl };
      return box.encrypt(JSON.stringify(sealed));
    },
    unseal(value) {
      if (!value || value.length > MAX_SEALED_LENGTH) return undefined;
      try {
        const sealed = JSON.parse(box.decrypt(value)) as Sealed;
        if (typeof sealed.exp !== 'number' || sealed.exp < clock.nowSeconds()) return undefined;
        return { request: sealed.request, sid: sealed.sid };
      } catch {
        return undefined;
      }
    },
  };
}
