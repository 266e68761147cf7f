import { compactVerify, decodeProtectedHeader } from 'jose';
import type { KeySet } from '../keys/key-set.js';

/** What a verified id_token_hint tells the logout endpoint. */
export interface IdTokenHint {
  sub: string;
  /** The client the ID token was issued to (`aud`, or `azp` with several audiences). */
  clientId: string;
  sid?: string;
}

const ALGORITHMS = ['RS256', 'PS256', 'ES256', 'EdDSA', 'Ed25519'];

/**
 * RP-Initiated Logout §2: id_token_hint is an ID token this OP issued. It is trusted only
 * when its signature verifies with one of our keys (chosen by `kid`) and `iss` is ours; an
 * expired one is still a good hint (§4). `alg: none`, a forged or foreign signature, or
 * garbage return undefined: the caller then never redirects.
 */
export async function verifyIdTokenHint(keys: KeySet, issuer: string, hint: string): Promise<IdTokenHint | undefined> {
  let kid: string | undefined;
  try {
    kid = decodeProtectedHeader(hint).kid;
  } catch {
    return undefined;
  }
  const key = kid ? await keys.verificationKey(kid) : undefined;
  if (!key) return undefined;
  let payload: Record<string, unknown>;
  try {
    // The algorithm list excludes `none` and the HMAC family: only our asymmetric keys sign ID tokens.
    const verified = await compactVerify(hint, key, { algorithms: ALGORITHMS });
    payload = JSON.parse(new TextDecoder().decode(verified.payload)) as Record<string, unknown>;
  } catch {
    return undefined;
  }
  if (payload.iss !== issuer || typeof payload.sub !== 'string') return undefined;
  const aud = payload.aud;
  const clientId = typeof aud === 'string' ? aud : Array.isArray(aud) && aud.length === 1 ? aud[0] : payload.azp;
  if (typeof clientId !== 'string') return undefined;
  return { sub: payload.sub, clientId, sid: typeof payload.sid === 'string' ? payload.sid : undefined };
}
