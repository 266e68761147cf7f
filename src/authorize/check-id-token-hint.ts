import { compactVerify, decodeProtectedHeader } from 'jose';
import type { KeySet } from '../keys/key-set.js';
import { InvalidRequest } from '../http/oauth-errors.js';
import type { Params } from '../http/params.js';

/**
 * OIDC Core §3.1.2.1: id_token_hint is an ID token this server issued. Its signature must be
 * ours (key chosen by `kid`) and its `iss` this issuer; an expired hint is still accepted,
 * since it only says who the client thinks is signed in. Returns its `sub`.
 */
export async function checkIdTokenHint(keys: KeySet, issuer: string, params: Params): Promise<string | undefined> {
  const hint = params.id_token_hint;
  if (hint === undefined) return undefined;
  const invalid = new InvalidRequest('id_token_hint is not an ID token issued by this server');
  let kid: string | undefined;
  try {
    kid = decodeProtectedHeader(hint).kid;
  } catch {
    throw invalid;
  }
  const key = kid ? await keys.verificationKey(kid) : undefined;
  if (!key) throw invalid;
  let payload: Record<string, unknown>;
  try {
    const verified = await compactVerify(hint, key, { algorithms: ['RS256', 'PS256', 'ES256', 'EdDSA', 'Ed25519'] });
    payload = JSON.parse(new TextDecoder().decode(verified.payload)) as Record<string, unknown>;
  } catch {
    throw invalid;
  }
  if (payload.iss !== issuer || typeof payload.sub !== 'string') throw invalid;
  return payload.sub;
}
