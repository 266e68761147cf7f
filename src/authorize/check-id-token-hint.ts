import type { VerificationKeys } from '../jose/verify-own.js';
import { verifyIdTokenHint } from '../tokens/id-token-hint.js';
import { InvalidRequest } from '../protocol/oauth-errors.js';
import type { Params } from '../protocol/params.js';

/**
 * OIDC Core §3.1.2.1: id_token_hint is an ID token this server issued. An expired hint is still
 * accepted, since it only says who the client thinks is signed in. Returns its `sub`.
 */
export async function checkIdTokenHint(keys: VerificationKeys, issuer: string, params: Params, now: number): Promise<string | undefined> {
  const hint = params.id_token_hint;
  if (hint === undefined) return undefined;
  const verified = await verifyIdTokenHint(keys, issuer, hint, now);
  if (!verified) throw new InvalidRequest('id_token_hint is not an ID token issued by this server');
  return verified.sub;
}
