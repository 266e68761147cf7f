/**
 * OIDC Core §5.5: the `claims` request parameter, as stored with a code or refresh token
 * (JSON text). Only the claim names matter here: each member asks for one claim to be
 * returned from userinfo or in the ID token.
 */
export interface ClaimsRequest {
  userinfo?: Record<string, unknown>;
  id_token?: Record<string, unknown>;
}

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

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
