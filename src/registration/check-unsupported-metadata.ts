import { InvalidClientMetadata } from '../protocol/oauth-errors.js';
import type { ProviderMetadata } from '../protocol/provider-metadata.js';

const ENCRYPTION_FIELDS = [
  'id_token_encrypted_response_alg',
  'id_token_encrypted_response_enc',
  'userinfo_encrypted_response_alg',
  'userinfo_encrypted_response_enc',
  'request_object_encryption_alg',
  'request_object_encryption_enc',
  'authorization_encrypted_response_alg',
  'authorization_encrypted_response_enc',
];

/** Signing choices a client may only make when discovery advertises the value. */
const ADVERTISED_CHOICES: Record<string, string> = {
  userinfo_signed_response_alg: 'userinfo_signing_alg_values_supported',
  request_object_signing_alg: 'request_object_signing_alg_values_supported',
  authorization_signed_response_alg: 'authorization_signing_alg_values_supported',
};

/**
 * Metadata Tessera does not implement and must not silently drop, because the client would
 * then rely on a protection it does not get (encrypted tokens, pairwise subjects when they are
 * off, signed userinfo). Other unknown fields are ignored (RFC 7591 §2: the server returns what it registered).
 */
export function checkUnsupportedMetadata(input: Record<string, unknown>, metadata: ProviderMetadata): void {
  for (const field of ENCRYPTION_FIELDS) {
    if (input[field] !== undefined && input[field] !== null) throw new InvalidClientMetadata(`${field}: encryption is not supported`);
  }
  // OIDC Registration §2: subject_type, one of subject_types_supported (OIDC Core §8).
  const subjectType = input.subject_type;
  const subjectTypes = (metadata.get('subject_types_supported') as string[] | undefined) ?? ['public'];
  if (subjectType !== undefined && subjectType !== null && !subjectTypes.includes(subjectType as string)) {
    throw new InvalidClientMetadata(`subject_type: only ${subjectTypes.join(' and ')} supported`);
  }
  // RFC 9449 §5.2: a client that needs DPoP-bound tokens cannot get them when DPoP is off.
  if (input.dpop_bound_access_tokens === true && !metadata.get('dpop_signing_alg_values_supported'))
    throw new InvalidClientMetadata('dpop_bound_access_tokens: DPoP is not enabled on this server');
  for (const [field, member] of Object.entries(ADVERTISED_CHOICES)) {
    const value = input[field];
    if (value === undefined || value === null) continue;
    const supported = (metadata.get(member) as string[] | undefined) ?? [];
    if (typeof value !== 'string') throw new InvalidClientMetadata(`${field} must be a string`);
    if (!supported.includes(value)) throw new InvalidClientMetadata(`${field}: ${value} is not supported`);
  }
}
