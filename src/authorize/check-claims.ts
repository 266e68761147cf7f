import { InvalidRequest } from '../protocol/oauth-errors.js';
import type { Params } from '../protocol/params.js';
import type { ClaimsRequest } from '../storage/ports.js';

/**
 * OIDC Core §5.5: `claims` is a JSON object whose optional members `userinfo` and `id_token`
 * are objects mapping claim names to null or an object (essential, value, values).
 */
export function checkClaims(params: Params): ClaimsRequest | undefined {
  if (params.claims === undefined) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(params.claims);
  } catch {
    throw new InvalidRequest('claims must be a JSON object');
  }
  if (!isObject(parsed)) throw new InvalidRequest('claims must be a JSON object');
  for (const member of ['userinfo', 'id_token']) {
    const requests = parsed[member];
    if (requests === undefined) continue;
    if (!isObject(requests)) throw new InvalidRequest(`claims.${member} must be an object`);
    for (const [name, request] of Object.entries(requests)) {
      if (request !== null && !isObject(request)) throw new InvalidRequest(`claims.${member}.${name} must be null or an object`);
    }
  }
  return parsed as ClaimsRequest;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
