import { usesSecret, type Client } from '../clients/client.js';

/** Server-managed members a client never sets itself (RFC 7591 §3.2.1, RFC 7592 §3). */
export const SERVER_MANAGED_FIELDS = [
  'client_id_issued_at',
  'client_secret_expires_at',
  'registration_access_token',
  'registration_client_uri',
];

export interface ClientInformationOptions {
  /** The plain secret, when this request generated one: shown once. */
  secret?: string;
  registrationAccessToken: string;
  registrationClientUri: string;
}

/**
 * The client information response (RFC 7591 §3.2.1, RFC 7592 §3): every registered metadata
 * value, the client_id, and the credentials for managing the registration.
 */
export function clientInformation(client: Client, options: ClientInformationOptions): Record<string, unknown> {
  const body: Record<string, unknown> = { ...client.metadata, client_id_issued_at: client.createdAt };
  if (options.secret !== undefined) body.client_secret = options.secret;
  // RFC 7591 §3.2.1: client_secret_expires_at is REQUIRED when a secret is issued; 0 = never.
  if (usesSecret(client.metadata.token_endpoint_auth_method)) body.client_secret_expires_at = client.secretExpiresAt;
  body.registration_access_token = options.registrationAccessToken;
  body.registration_client_uri = options.registrationClientUri;
  return body;
}
