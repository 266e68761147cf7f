/**
 * OIDC Core §5.5: the `claims` request parameter, as stored with a code or refresh token
 * (JSON text). Only the claim names matter here: each member asks for one claim to be
 * returned from userinfo or in the ID token.
 */
export interface ClaimsRequest {
  userinfo?: Record<string, unknown>;
  id_token?: Record<string, unknown>;
}

/** Names the provider sets itself; a claims request cannot make user data take their place. */
const PROTOCOL_CLAIMS = new Set([
  'iss', 'sub', 'aud', 'exp', 'iat', 'nbf', 'jti', 'auth_time', 'nonce', 'acr', 'amr', 'azp', 'at_hash', 'c_hash', 's_hash', 'sid',
]);

/** Parses the stored JSON; anything that is not an object of objects counts as no request. */
export function parseClaimsRequest(json: string | null | undefined): ClaimsRequest | undefined {
  if (!json) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch {
    return undefined;
  }
  if (!isObject(parsed)) return undefined;
  return {
    userinfo: isObject(parsed.userinfo) ? parsed.userinfo : undefined,
    id_token: isObject(parsed.id_token) ? parsed.id_token : undefined,
  };
}

/** The user claims requested for one target (§5.5: `userinfo` or `id_token`). */
export function requestedClaims(request: ClaimsRequest | undefined, target: 'userinfo' | 'id_token'): string[] {
  const members = request?.[target];
  return members ? Object.keys(members).filter((name) => !PROTOCOL_CLAIMS.has(name)) : [];
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
