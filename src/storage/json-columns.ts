import type { AccessTokenExtra, Actor, AuthenticationMethods, ClaimsRequest } from './ports.js';

/**
 * The JSON held in text columns, read and written at the store boundary. Reading is
 * forgiving: a value that is not the expected shape reads as absent, never as an error.
 */

/** An `amr` column: a JSON array of strings, null when empty. */
export function writeStringList(values: string[]): string | null {
  return values.length > 0 ? JSON.stringify(values) : null;
}

export function readStringList(json: string | null): string[] {
  const value = parse(json);
  return Array.isArray(value) && value.every((v) => typeof v === 'string') ? value : [];
}

/** A session's `methods` column: JSON object of method → epoch seconds. */
export function writeMethods(methods: AuthenticationMethods): string {
  return JSON.stringify(methods);
}

export function readMethods(json: string | null): AuthenticationMethods {
  const value = parse(json);
  if (!isObject(value)) return {};
  return Object.fromEntries(Object.entries(value).filter((entry): entry is [string, number] => typeof entry[1] === 'number'));
}

/** A `claims` column (OIDC Core §5.5); only its `userinfo` and `id_token` objects are kept. */
export function writeClaimsRequest(request: ClaimsRequest | null): string | null {
  return request ? JSON.stringify(request) : null;
}

export function readClaimsRequest(json: string | null): ClaimsRequest | null {
  const value = parse(json);
  if (!isObject(value)) return null;
  return {
    ...(isObject(value.userinfo) ? { userinfo: value.userinfo } : {}),
    ...(isObject(value.id_token) ? { id_token: value.id_token } : {}),
  };
}

/** The `data` column of access tokens, whose JSON keeps the claim-style names it has always had. */
export function writeAccessTokenExtra(extra: AccessTokenExtra | null): string | null {
  if (!extra) return null;
  return JSON.stringify({
    auth_time: extra.authTime,
    acr: extra.acr,
    amr: extra.amr,
    sid: extra.sid,
    userinfo_claims: extra.userinfoClaims,
    act: extra.act,
  });
}

export function readAccessTokenExtra(json: string | null): AccessTokenExtra | null {
  const value = parse(json);
  if (!isObject(value)) return null;
  const extra: AccessTokenExtra = {};
  if (typeof value.auth_time === 'number') extra.authTime = value.auth_time;
  if (typeof value.acr === 'string') extra.acr = value.acr;
  if (Array.isArray(value.amr)) extra.amr = value.amr.filter((v): v is string => typeof v === 'string');
  if (typeof value.sid === 'string') extra.sid = value.sid;
  if (Array.isArray(value.userinfo_claims)) extra.userinfoClaims = value.userinfo_claims.filter((v): v is string => typeof v === 'string');
  const act = readActor(value.act);
  if (act) extra.act = act;
  return extra;
}

/** RFC 8693 §4.1 `act`, nested for prior actors; anything not of that shape is dropped. */
function readActor(value: unknown): Actor | undefined {
  if (!isObject(value) || typeof value.sub !== 'string') return undefined;
  const prior = readActor(value.act);
  return {
    sub: value.sub,
    ...(typeof value.client_id === 'string' ? { client_id: value.client_id } : {}),
    ...(prior ? { act: prior } : {}),
  };
}

function parse(json: string | null): unknown {
  if (!json) return undefined;
  try {
    return JSON.parse(json);
  } catch {
    return undefined;
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
