import type { Provider } from '../provider.js';
import type { AuthorizationRequest } from './authorization-request.js';

interface Sealed {
  request: AuthorizationRequest;
  /** Set on the consent page: the session that was shown it. */
  sid?: string;
  exp: number;
}

/**
 * Pending authorization requests travel between the pages sealed (AES-256-GCM under a key
 * derived from TESSERA_SECRET): the browser cannot read or change them, and they expire after
 * config.ttl.interaction. Nothing is stored server-side until a code is issued.
 */
export function sealRequest(provider: Provider, request: AuthorizationRequest, sid?: string): string {
  const sealed: Sealed = { request, sid, exp: provider.clock.nowSeconds() + provider.config.ttl.interaction };
  return provider.interactionSecrets.box.encrypt(JSON.stringify(sealed));
}

/** The sealed request, or undefined when it was altered, is not ours, or has expired. */
export function unsealRequest(provider: Provider, value: string | undefined): { request: AuthorizationRequest; sid?: string } | undefined {
  if (!value || value.length > 20000) return undefined;
  try {
    const sealed = JSON.parse(provider.interactionSecrets.box.decrypt(value)) as Sealed;
    if (typeof sealed.exp !== 'number' || sealed.exp < provider.clock.nowSeconds()) return undefined;
    return { request: sealed.request, sid: sealed.sid };
  } catch {
    return undefined;
  }
}

/** The local path that resumes a sealed request after sign-in. */
export function resumePath(provider: Provider, request: AuthorizationRequest): string {
  return `/auth/resume?interaction=${encodeURIComponent(sealRequest(provider, request))}`;
}
