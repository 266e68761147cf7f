import type { Client } from '../clients/client.js';
import { InvalidScope } from '../http/oauth-errors.js';
import type { Params } from '../http/params.js';

/** RFC 6749 §3.3 scope-token: %x21 / %x23-5B / %x5D-7E. */
const SCOPE_TOKEN = /^[\x21\x23-\x5B\x5D-\x7E]+$/;

/**
 * RFC 6749 §3.3: the server may grant fewer scopes than requested. Scopes this provider does
 * not know, or the client is not allowed (its `scope` metadata), are dropped as long as one
 * remains; when none remains, or scope is missing, the answer is invalid_scope.
 * OIDC Core §11: offline_access is dropped unless prompt includes consent and the client
 * may use refresh tokens with the code flow.
 */
export function checkScope(known: Map<string, string>, client: Client, params: Params, prompt: string[]): string[] {
  if (params.scope === undefined) throw new InvalidScope('the scope parameter is required');
  const requested = [...new Set(params.scope.split(' ').filter(Boolean))];
  if (requested.some((s) => !SCOPE_TOKEN.test(s))) throw new InvalidScope('scope contains characters RFC 6749 §3.3 does not allow');
  const allowedByClient = client.metadata.scope ? new Set(client.metadata.scope.split(' ')) : undefined;
  const granted = requested.filter((scope) => known.has(scope) && (!allowedByClient || allowedByClient.has(scope)));
  const offlineAllowed =
    prompt.includes('consent') && client.metadata.grant_types.includes('refresh_token') && client.metadata.response_types.includes('code');
  const result = offlineAllowed ? granted : granted.filter((s) => s !== 'offline_access');
  if (result.length === 0) throw new InvalidScope(`none of the requested scopes can be granted to this client: ${requested.join(' ')}`);
  return result;
}
