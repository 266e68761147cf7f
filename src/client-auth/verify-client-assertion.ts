import { compactVerify, errors, type CryptoKey, type KeyObject } from 'jose';
import type { Client } from '../clients/client.js';
import { InvalidClient } from '../http/oauth-errors.js';
import { nowSeconds } from '../storage/database.js';
import type { UsedJtisStore } from '../storage/used-jtis-store.js';

/** Clock difference tolerated on `exp` (seconds). */
const EXPIRY_SKEW = 10;
/** RFC 7523 §3: `iat`/`nbf` this far in the future are refused (FAPI 2: reject beyond 60 s). */
const FUTURE_LIMIT = 60;
/** Longest accepted assertion lifetime: jti records are kept that long. */
const MAX_LIFETIME = 3600;

export interface AssertionCheck {
  assertion: string;
  client: Client;
  /** The issuer and the token endpoint URL are always accepted as `aud`; plus the endpoint called. */
  audiences: string[];
  algorithms: string[];
  /** Candidate keys; the signature must verify under one of them. */
  keys: (CryptoKey | KeyObject | Uint8Array)[];
  usedJtis: UsedJtisStore;
  method: string;
}

/**
 * The checks RFC 7523 §3 and OIDC Core §9 put on a client assertion, shared by
 * client_secret_jwt and private_key_jwt. The signature is checked before the `jti` is
 * recorded, so nobody without the key can use up a client's identifiers.
 */
export async function verifyClientAssertion(check: AssertionCheck): Promise<void> {
  const { client } = check;
  const fail = (detail: string) => new InvalidClient('client authentication failed', `${check.method} ${client.clientId}: ${detail}`);

  const payloadBytes = await verifiedPayload(check);
  if (!payloadBytes) throw fail('signature not verified');
  let claims: Record<string, unknown>;
  try {
    claims = JSON.parse(new TextDecoder().decode(payloadBytes));
  } catch {
    throw fail('payload is not JSON');
  }
  if (!claims || typeof claims !== 'object' || Array.isArray(claims)) throw fail('payload is not a JSON object');

  // RFC 7523 §3 items 1-2, OIDC Core §9: iss and sub are both the client_id.
  if (claims.iss !== client.clientId) throw fail('iss is not the client_id');
  if (claims.sub !== client.clientId) throw fail('sub is not the client_id');
  // RFC 7523 §3 item 3: aud identifies this authorization server.
  const aud = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
  if (!aud.some((a) => typeof a === 'string' && check.audiences.includes(a))) throw fail('aud is not the issuer or the endpoint');

  const now = nowSeconds();
  // RFC 7523 §3 item 4: exp is required and the assertion must not have expired.
  if (typeof claims.exp !== 'number' || !Number.isFinite(claims.exp)) throw fail('exp is missing');
  if (claims.exp <= now - EXPIRY_SKEW) throw fail('the assertion has expired');
  if (claims.exp > now + MAX_LIFETIME) throw fail('exp is too far in the future');
  // RFC 7523 §3 items 5-6: nbf and iat, when present, must not be in the future.
  for (const name of ['nbf', 'iat'] as const) {
    const value = claims[name];
    if (value === undefined) continue;
    if (typeof value !== 'number' || !Number.isFinite(value)) throw fail(`${name} is not a number`);
    if (value > now + FUTURE_LIMIT) throw fail(`${name} is in the future`);
  }
  if (typeof claims.iat === 'number' && claims.exp - claims.iat > MAX_LIFETIME) throw fail('the assertion lives too long');

  // RFC 7523 §3 item 7, OIDC Core §9: jti is required and may be used only once.
  if (typeof claims.jti !== 'string' || claims.jti.length === 0 || claims.jti.length > 256) throw fail('jti is missing');
  const fresh = await check.usedJtis.remember(`${client.clientId}:${claims.jti}`, claims.exp + EXPIRY_SKEW, now);
  if (!fresh) throw fail('jti was already used');
}

/** The payload if the signature verifies under one of the candidate keys, with an accepted alg. */
async function verifiedPayload(check: AssertionCheck): Promise<Uint8Array | undefined> {
  for (const key of check.keys) {
    try {
      // compactVerify rejects an alg outside `algorithms`, including "none".
      return (await compactVerify(check.assertion, key, { algorithms: check.algorithms })).payload;
    } catch (err) {
      if (!(err instanceof errors.JOSEError || err instanceof TypeError)) throw err;
    }
  }
  return undefined;
}
