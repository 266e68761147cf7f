import { errors, jwtVerify, type CryptoKey, type JWTPayload, type KeyObject } from 'jose';
import type { Client } from '../clients/client.js';
import { InvalidClient } from '../protocol/oauth-errors.js';
import type { UsedJtisStore } from '../storage/ports.js';

/** Clock difference tolerated on `exp` (seconds). */
const EXPIRY_SKEW = 10;
/** RFC 7523 §3: `iat`/`nbf` this far in the future are refused (FAPI 2: reject beyond 60 s). */
const FUTURE_LIMIT = 60;
/** Longest accepted assertion lifetime: jti records are kept that long. */
const MAX_LIFETIME = 3600;

/** How this server may be named in a client assertion's `aud`. */
export interface AssertionAudience {
  issuer: string;
  tokenEndpoint: string;
  /** Also accept the token endpoint URL, for clients written before draft-ietf-oauth-rfc7523bis. */
  acceptTokenEndpointAudience: boolean;
}

/**
 * draft-ietf-oauth-rfc7523bis §4 (replacing RFC 7523 §3 item 3): a client assertion's `aud`
 * is the issuer identifier; the token endpoint URL "MUST NOT be used", and no other endpoint
 * URL identifies this server either. The token endpoint stays acceptable only when the
 * operator opts in for older clients (§6: stricter servers break clients that send it).
 */
export function acceptedAudiences(server: AssertionAudience): string[] {
  return server.acceptTokenEndpointAudience ? [server.issuer, server.tokenEndpoint] : [server.issuer];
}

/**
 * draft-ietf-oauth-rfc7523bis §4: "The authorization server MUST reject any JWT that does not
 * contain its issuer identifier as its sole audience value." A one-member array is the same
 * sole value (the draft does not restrict aud's JSON type); an array with anything beside it
 * is refused, which is what closes the audience-injection attack.
 */
export function isSoleAudience(aud: unknown, accepted: string[]): boolean {
  const sole: unknown = Array.isArray(aud) && aud.length === 1 ? aud[0] : aud;
  // RFC 3986 §6.2.1 simple string comparison, as RFC 7523 §3 asks.
  return typeof sole === 'string' && accepted.includes(sole);
}

export interface AssertionCheck {
  assertion: string;
  client: Client;
  /** The values accepted as the sole `aud` (see acceptedAudiences). */
  audiences: string[];
  /** From jose/algorithms.ts, narrowed to what the client registered. */
  algorithms: string[];
  /** Candidate keys; the signature must verify under one of them. */
  keys: (CryptoKey | KeyObject | Uint8Array)[];
  usedJtis: UsedJtisStore;
  method: string;
  /** Epoch seconds the time claims are checked against. */
  now: number;
}

/**
 * The checks RFC 7523 §3 and OIDC Core §9 put on a client assertion, shared by
 * client_secret_jwt and private_key_jwt. The signature is checked before the `jti` is
 * recorded, so nobody without the key can use up a client's identifiers.
 */
export async function verifyClientAssertion(check: AssertionCheck): Promise<void> {
  const { client } = check;
  const fail = (detail: string) => new InvalidClient('client authentication failed', `${check.method} ${client.clientId}: ${detail}`);
  const { now } = check;

  const claims = await verifiedClaims(check, now, fail);
  if (!claims) throw fail('signature not verified');
  if (!isSoleAudience(claims.aud, check.audiences))
    throw fail(`aud must be ${check.audiences.join(' or ')} alone, got ${JSON.stringify(claims.aud)}`);
  const exp = claims.exp!;
  // RFC 7523 §3 item 4: not expired. jose's one tolerance is nbf's; expiry keeps its own, shorter skew.
  if (exp <= now - EXPIRY_SKEW) throw fail('the assertion has expired');
  if (exp > now + MAX_LIFETIME) throw fail('exp is too far in the future');
  // RFC 7523 §3 item 6: iat, when present, must not be in the future.
  if (claims.iat !== undefined && claims.iat > now + FUTURE_LIMIT) throw fail('iat is in the future');
  if (claims.iat !== undefined && exp - claims.iat > MAX_LIFETIME) throw fail('the assertion lives too long');

  // RFC 7523 §3 item 7, OIDC Core §9: jti is required and may be used only once.
  const { jti } = claims;
  if (typeof jti !== 'string' || jti.length === 0 || jti.length > 256) throw fail('jti is missing');
  const fresh = await check.usedJtis.remember(`${client.clientId}:${jti}`, exp + EXPIRY_SKEW, now);
  if (!fresh) throw fail('jti was already used');
}

/**
 * The claims if the signature verifies under one of the candidate keys with an accepted alg
 * (never "none"), and the claims jose checks hold; undefined when no key verifies it.
 */
async function verifiedClaims(
  check: AssertionCheck,
  now: number,
  fail: (detail: string) => InvalidClient,
): Promise<JWTPayload | undefined> {
  const { clientId } = check.client;
  for (const key of check.keys) {
    try {
      const { payload } = await jwtVerify(check.assertion, key, {
        algorithms: check.algorithms,
        // RFC 7523 §3 items 1-2, OIDC Core §9: iss and sub are both the client_id.
        issuer: clientId,
        subject: clientId,
        // RFC 7523 §3 items 4 and 7: exp and jti are required.
        requiredClaims: ['exp', 'jti'],
        // RFC 7523 §3 item 5: nbf may be this far ahead of our clock.
        clockTolerance: FUTURE_LIMIT,
        currentDate: new Date(now * 1000),
      });
      return payload;
    } catch (err) {
      if (err instanceof errors.JWTClaimValidationFailed) throw fail(`${err.claim}: ${err.message}`);
      if (err instanceof errors.JWTExpired) throw fail('the assertion has expired');
      if (err instanceof errors.JWTInvalid) throw fail(err.message);
      // Anything else is about the signature or this key: try the next one.
      if (!(err instanceof errors.JOSEError || err instanceof TypeError)) throw err;
    }
  }
  return undefined;
}
