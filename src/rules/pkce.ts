import { createHash } from 'node:crypto';
import type { Client } from '../clients/client.js';
import { isPublicClient } from '../clients/client.js';
import { InvalidGrant, InvalidRequest } from '../protocol/oauth-errors.js';
import type { Params } from '../protocol/params.js';
import { safeEqual } from '../util/hashing.js';

export interface PkceSettings {
  requiredForAll: boolean;
  allowPlain: boolean;
  requireS256ForPublicClients: boolean;
}

export type CodeChallengeMethod = 'S256' | 'plain';

/** RFC 7636 §4.1 and §4.2: code-verifier and code-challenge are both 43*128unreserved. */
const UNRESERVED_43_128 = /^[A-Za-z0-9\-._~]{43,128}$/;

const GRAMMAR = '43 to 128 characters of A-Z a-z 0-9 - . _ ~';

/** Whether `client` must send a code challenge: public clients (RFC 9700 §2.1.1), and whoever the settings or its metadata name. */
export function pkceRequired(client: Client, settings: PkceSettings): boolean {
  return (
    isPublicClient(client) || settings.requiredForAll || client.metadata.require_pkce === true || client.metadata.require_pkce_s256 === true
  );
}

/**
 * Whether `client` may use the plain method: not when `pkce.allowPlain` is off, not for public
 * clients under `pkce.requireS256ForPublicClients`, not for a client registered with
 * `require_pkce_s256`. RFC 9700 §2.1.1: plain protects nothing once the request leaks.
 */
export function plainAllowed(client: Client, settings: PkceSettings): boolean {
  if (!settings.allowPlain || client.metadata.require_pkce_s256 === true) return false;
  return !(settings.requireS256ForPublicClients && isPublicClient(client));
}

/**
 * At /auth, RFC 7636 §4.3 and §4.4.1: the challenge and its method. A missing method means plain,
 * so it is refused wherever plain is. PKCE is required as `pkceRequired` says.
 */
export function checkCodeChallenge(
  client: Client,
  params: Params,
  settings: PkceSettings,
): { codeChallenge?: string; codeChallengeMethod?: CodeChallengeMethod } {
  const challenge = params.code_challenge;
  const method = params.code_challenge_method;
  if (challenge === undefined) {
    if (method !== undefined) throw new InvalidRequest('code_challenge_method was sent without code_challenge');
    // RFC 7636 §4.4.1: a server that requires PKCE answers invalid_request when it is missing.
    if (pkceRequired(client, settings)) throw new InvalidRequest('PKCE is required: send code_challenge and code_challenge_method=S256');
    return {};
  }
  // RFC 7636 §4.3: "defaults to plain if not present in the request".
  const effective = method ?? 'plain';
  // RFC 7636 §4.4.1: an unsupported transformation is invalid_request.
  if (effective !== 'S256' && effective !== 'plain')
    throw new InvalidRequest(`code_challenge_method ${effective} is not supported: use S256`);
  if (effective === 'plain' && !plainAllowed(client, settings)) {
    throw new InvalidRequest(
      method === undefined
        ? 'code_challenge_method is missing, which means plain (RFC 7636 §4.3), ' +
            'and plain is not allowed here: send code_challenge_method=S256'
        : 'code_challenge_method plain is not allowed here: use S256',
    );
  }
  // RFC 7636 §4.2: code_challenge = 43*128unreserved.
  if (!UNRESERVED_43_128.test(challenge)) throw new InvalidRequest(`code_challenge must be ${GRAMMAR}`);
  return { codeChallenge: challenge, codeChallengeMethod: effective };
}

/**
 * At /token, RFC 7636 §4.6: the token request's code_verifier against the challenge bound to
 * the code. `method` null means plain (§4.3: an omitted method defaults to plain).
 */
export function checkCodeVerifier(challenge: string | null, method: string | null, verifier: string | undefined): void {
  if (challenge === null) {
    // RFC 9700 §2.1.1: a verifier for a code issued without a challenge is a downgrade attempt.
    if (verifier !== undefined) throw new InvalidGrant('code_verifier was sent but the authorization request had no code_challenge');
    return;
  }
  // RFC 7636 §4.6: the challenge was sent, so the verifier must be.
  if (verifier === undefined) throw new InvalidGrant('code_verifier is required for this code');
  // RFC 7636 §4.1: code-verifier = 43*128unreserved.
  if (!UNRESERVED_43_128.test(verifier)) throw new InvalidGrant(`code_verifier must be ${GRAMMAR}`);
  if (method !== null && method !== 'S256' && method !== 'plain')
    throw new InvalidGrant('the code was issued with an unsupported code_challenge_method');
  const expected = method === 'S256' ? createHash('sha256').update(verifier, 'ascii').digest('base64url') : verifier;
  // Compared in constant time: the challenge is a secret-derived value.
  if (!safeEqual(expected, challenge)) throw new InvalidGrant('code_verifier does not match the code_challenge');
}
