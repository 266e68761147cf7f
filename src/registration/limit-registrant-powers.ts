import { GRANT_TOKEN_EXCHANGE } from '../clients/client.js';
import { InvalidClientMetadata } from '../protocol/oauth-errors.js';

/** Metadata only the operator sets (config, CLI, admin API): token lifetime and format, audiences, admin powers. */
const OPERATOR_ONLY = ['access_token_ttl', 'access_token_format', 'resources', 'admin_scopes'];

/**
 * RFC 7591 §2 and §5: the server validates what a registrant asks for and decides what it
 * registers; a registrant does not choose its own power. Its `scope` must lie within
 * `allowedScopes` (config registration.allowedScopes), and a registration without `scope` gets
 * them; token lifetime, token format and resources are the operator's to set. Returns the
 * metadata to register.
 */
export function limitRegistrantPowers(input: Record<string, unknown>, allowedScopes: readonly string[]): Record<string, unknown> {
  for (const field of OPERATOR_ONLY) {
    if (input[field] !== undefined && input[field] !== null)
      throw new InvalidClientMetadata(`${field} cannot be chosen through registration; the operator sets it`);
  }
  // RFC 8693 token exchange acts for users with tokens issued to others: the operator grants it.
  if (Array.isArray(input.grant_types) && input.grant_types.includes(GRANT_TOKEN_EXCHANGE))
    throw new InvalidClientMetadata(`grant type ${GRANT_TOKEN_EXCHANGE} cannot be chosen through registration; the operator sets it`);
  const scope = input.scope;
  if (scope === undefined || scope === null) return { ...input, scope: allowedScopes.join(' ') };
  if (typeof scope !== 'string') throw new InvalidClientMetadata('scope must be a string');
  const refused = scope.split(' ').filter((name) => name && !allowedScopes.includes(name));
  if (refused.length > 0) throw new InvalidClientMetadata(`scope: ${refused.join(' ')} cannot be registered here`);
  return input;
}
