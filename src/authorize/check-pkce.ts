import type { Client } from '../clients/client.js';
import { isPublicClient } from '../clients/client.js';
import { InvalidRequest } from '../http/oauth-errors.js';
import type { Params } from '../http/params.js';

export interface PkceSettings {
  requiredForAll: boolean;
  allowPlain: boolean;
}

/** RFC 7636 §4.2: code_challenge = 43*128unreserved. */
const CHALLENGE = /^[A-Za-z0-9\-._~]{43,128}$/;

/**
 * RFC 7636 §4.3 and §4.4.1: the challenge and its method. A missing method means plain.
 * Public clients must use PKCE (RFC 9700 §2.1.1), and so must every client when configured.
 */
export function checkPkce(client: Client, params: Params, settings: PkceSettings): { codeChallenge?: string; codeChallengeMethod?: 'S256' | 'plain' } {
  const challenge = params.code_challenge;
  const method = params.code_challenge_method;
  if (challenge === undefined) {
    if (method !== undefined) throw new InvalidRequest('code_challenge_method was sent without code_challenge');
    // RFC 7636 §4.4.1: a server that requires PKCE answers invalid_request when it is missing.
    if (isPublicClient(client) || settings.requiredForAll || client.metadata.require_pkce) {
      throw new InvalidRequest('PKCE is required: send code_challenge and code_challenge_method=S256');
    }
    return {};
  }
  // RFC 7636 §4.3: "defaults to plain if not present in the request".
  const effective = method ?? 'plain';
  // RFC 7636 §4.4.1: an unsupported transformation is invalid_request.
  if (effective !== 'S256' && effective !== 'plain') throw new InvalidRequest(`code_challenge_method ${effective} is not supported: use S256`);
  if (effective === 'plain' && !settings.allowPlain) throw new InvalidRequest('code_challenge_method plain is not allowed: use S256');
  if (!CHALLENGE.test(challenge)) throw new InvalidRequest('code_challenge must be 43 to 128 characters of [A-Z] [a-z] [0-9] - . _ ~');
  return { codeChallenge: challenge, codeChallengeMethod: effective };
}
