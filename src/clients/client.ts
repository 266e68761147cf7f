/** A registered client as the protocol code sees it. Metadata names follow RFC 7591 / OIDC Registration. */
export interface ClientMetadata {
  client_id: string;
  client_name?: string;
  redirect_uris: string[];
  post_logout_redirect_uris: string[];
  grant_types: string[];
  response_types: string[];
  token_endpoint_auth_method: string;
  /** Space-separated scopes the client may be granted, each one the provider offers; absent: every offered scope. */
  scope?: string;
  application_type: 'web' | 'native';
  id_token_signed_response_alg: string;
  token_endpoint_auth_signing_alg?: string;
  jwks?: { keys: Record<string, unknown>[] };
  jwks_uri?: string;
  logo_uri?: string;
  client_uri?: string;
  policy_uri?: string;
  tos_uri?: string;
  contacts?: string[];
  backchannel_logout_uri?: string;
  backchannel_logout_session_required?: boolean;
  /** OIDC Core §8: `public` (the default) or `pairwise` subject identifiers. */
  subject_type?: 'public' | 'pairwise';
  /** OIDC Core §8.1: its host is the pairwise sector; it lists every redirect URI of the client. */
  sector_identifier_uri?: string;
  /** Tessera extensions: access token format and lifetime per client. */
  access_token_format?: 'jwt' | 'opaque';
  access_token_ttl?: number;
  /** Tessera extension: require PKCE even for this confidential client. */
  require_pkce?: boolean;
  /** Tessera extension: require PKCE with S256 of this client (plain, and a challenge without a method, are refused). */
  require_pkce_s256?: boolean;
  /** RFC 9449 §5.2: every token request of this client must carry a DPoP proof. */
  dpop_bound_access_tokens?: boolean;
  /** OIDC Registration §2: the acr values asked for when a request has no acr_values (voluntary, like acr_values). */
  default_acr_values?: string[];
  /** Tessera extension: every authorization of this client needs the multi-factor level (a must, unlike acr_values). */
  require_mfa?: boolean;
  /** Tessera extension, config and CLI only: the registered resources (accessTokens.resources) this client may ask for. */
  resources?: string[];
  /** Tessera extension, config, CLI and admin API only: the admin API scopes (admin:read, admin:write) this client may be granted. */
  admin_scopes?: string[];
  /** RFC 9126 §6: this client's authorization requests must come through /par. */
  require_pushed_authorization_requests?: boolean;
  /** RFC 9101 §10.5: this client's authorization requests must be signed request objects. */
  require_signed_request_object?: boolean;
  /** OIDC Registration §2: the only algorithm its request objects may be signed with. */
  request_object_signing_alg?: string;
  /** JARM §3: the algorithm its JWT-secured authorization responses are signed with (default RS256). */
  authorization_signed_response_alg?: string;
  /** Tessera extension: hold this client to the FAPI 2.0 Security Profile (src/rules/fapi-profile.ts). */
  fapi_profile?: '2.0';
}

export interface Client {
  clientId: string;
  metadata: ClientMetadata;
  /** HMAC of the secret; null for clients that have none (public, private_key_jwt). */
  secretHash: string | null;
  /** Encrypted secret, only for client_secret_jwt. */
  secretEncrypted: string | null;
  secretExpiresAt: number;
  origin: string;
  registrationTokenHash: string | null;
  createdAt: number;
}

export const GRANT_AUTHORIZATION_CODE = 'authorization_code';
export const GRANT_REFRESH_TOKEN = 'refresh_token';
export const GRANT_CLIENT_CREDENTIALS = 'client_credentials';
export const GRANT_DEVICE_CODE = 'urn:ietf:params:oauth:grant-type:device_code';
export const GRANT_TOKEN_EXCHANGE = 'urn:ietf:params:oauth:grant-type:token-exchange';

export const SUPPORTED_GRANT_TYPES = [
  GRANT_AUTHORIZATION_CODE,
  GRANT_REFRESH_TOKEN,
  GRANT_CLIENT_CREDENTIALS,
  GRANT_DEVICE_CODE,
  GRANT_TOKEN_EXCHANGE,
];
export const SUPPORTED_RESPONSE_TYPES = ['code'];
export const SUPPORTED_AUTH_METHODS = ['client_secret_basic', 'client_secret_post', 'client_secret_jwt', 'private_key_jwt', 'none'];

/** A public client cannot keep a secret: it authenticates with `none` (RFC 6749 §2.1). */
export function isPublicClient(client: Client): boolean {
  return client.metadata.token_endpoint_auth_method === 'none';
}

/** Methods that use a shared secret, which the server must generate or accept. */
export function usesSecret(method: string): boolean {
  return method === 'client_secret_basic' || method === 'client_secret_post' || method === 'client_secret_jwt';
}
