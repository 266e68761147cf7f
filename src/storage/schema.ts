/**
 * Table shapes as Kysely sees them, for the stores in this folder only (the rest of Tessera
 * sees the records of ports.ts). Times are whole seconds since the epoch; JSON is stored as
 * text and parsed by the store that owns the table.
 */
import type { ColumnType } from 'kysely';

export interface Database {
  clients: ClientRow;
  users: UserRow;
  signing_keys: SigningKeyRow;
  sessions: SessionRow;
  session_clients: SessionClientRow;
  consents: ConsentRow;
  grants: GrantRow;
  authorization_codes: AuthorizationCodeRow;
  refresh_tokens: RefreshTokenRow;
  access_tokens: AccessTokenRow;
  device_codes: DeviceCodeRow;
  rate_limits: RateLimitRow;
  used_jtis: UsedJtiRow;
  initial_access_tokens: InitialAccessTokenRow;
  audit_events: AuditEventRow;
  pushed_authorization_requests: PushedAuthorizationRequestRow;
  totp_authenticators: TotpAuthenticatorRow;
  recovery_codes: RecoveryCodeRow;
  passkeys: PasskeyRow;
  webauthn_challenges: WebauthnChallengeRow;
  federated_identities: FederatedIdentityRow;
}

export interface ClientRow {
  client_id: string;
  /** HMAC-SHA-256 of the secret (util/hashing.ts keyedHash); null for public clients. */
  secret_hash: string | null;
  /** The secret encrypted at rest, kept only for client_secret_jwt, whose HS256 check needs it. */
  secret_encrypted: string | null;
  /** RFC 7591 metadata as JSON (without the secret). */
  metadata: string;
  /** Where the client came from: config, cli, registration, dev. */
  origin: string;
  registration_token_hash: string | null;
  secret_expires_at: number;
  created_at: number;
  updated_at: number;
}

export interface UserRow {
  id: string;
  username: string;
  password_hash: string;
  claims: string;
  created_at: number;
  updated_at: number;
  /** Set while the operator has disabled the user (`tessera users disable`); migration 006. */
  disabled_at: number | null;
  /** JSON list of role names (`admin`); migration 012, '[]' unless given. */
  roles: ColumnType<string, string | undefined, string>;
}

export interface SigningKeyRow {
  kid: string;
  alg: string;
  public_jwk: string;
  /** AES-256-GCM of the private JWK under a key derived from TESSERA_SECRET. */
  private_jwk_encrypted: string;
  created_at: number;
  /** Set when a newer key took over signing; the key stays in the JWKS until `expires_at`. */
  retired_at: number | null;
  expires_at: number | null;
}

export interface SessionRow {
  /** SHA-256 of the session cookie value. */
  id_hash: string;
  /** Public session id, the `sid` of ID tokens and logout tokens. */
  sid: string;
  user_id: string;
  auth_time: number;
  amr: string | null;
  acr: string | null;
  created_at: number;
  expires_at: number;
  ended_at: number | null;
  /** JSON object: RFC 8176 method → epoch seconds it was last used in this sign-in (migration 005). */
  methods: string | null;
  /** The browser's User-Agent at sign-in (migration 006; null before). */
  user_agent: string | null;
  /** The client address at sign-in, as the server's trustProxy setting reads it (migration 006). */
  address: string | null;
  /** When the session was last used, to the minute (migration 006). */
  last_seen_at: number | null;
}

export interface SessionClientRow {
  sid: string;
  client_id: string;
  created_at: number;
}

export interface ConsentRow {
  user_id: string;
  client_id: string;
  scope: string;
  /** Claims allowed one by one beyond the scopes (OIDC Core §5.5), space-separated; migration 003. */
  claims: string;
  created_at: number;
  updated_at: number;
}

export interface GrantRow {
  id: string;
  user_id: string;
  client_id: string;
  scope: string;
  sid: string | null;
  created_at: number;
  expires_at: number;
  revoked_at: number | null;
}

export interface AuthorizationCodeRow {
  code_hash: string;
  grant_id: string;
  client_id: string;
  user_id: string;
  redirect_uri: string;
  scope: string;
  nonce: string | null;
  code_challenge: string | null;
  code_challenge_method: string | null;
  /** OIDC Core §5.5 claims request as JSON. */
  claims: string | null;
  resource: string | null;
  auth_time: number;
  acr: string | null;
  amr: string | null;
  sid: string | null;
  created_at: number;
  expires_at: number;
  consumed_at: number | null;
  /** RFC 9449: the key thumbprint this row is bound to (migration 008). */
  dpop_jkt: string | null;
}

export interface RefreshTokenRow {
  token_hash: string;
  grant_id: string;
  client_id: string;
  user_id: string;
  scope: string;
  claims: string | null;
  resource: string | null;
  auth_time: number;
  acr: string | null;
  amr: string | null;
  sid: string | null;
  created_at: number;
  expires_at: number;
  /** Set when rotated: presenting it again is reuse (RFC 9700 §4.14.2). */
  consumed_at: number | null;
  revoked_at: number | null;
  /** RFC 9449: the key thumbprint this row is bound to (migration 008). */
  dpop_jkt: string | null;
}

export interface AccessTokenRow {
  jti: string;
  /** SHA-256 of an opaque token; null for JWTs (they carry their own claims). */
  token_hash: string | null;
  grant_id: string | null;
  client_id: string;
  user_id: string | null;
  scope: string;
  audience: string;
  /** Extra data of an opaque token (claims request, auth_time...) as JSON. */
  data: string | null;
  created_at: number;
  expires_at: number;
  revoked_at: number | null;
  /** RFC 9449: the key thumbprint this row is bound to (migration 008). */
  dpop_jkt: string | null;
}

export interface DeviceCodeRow {
  device_code_hash: string;
  /** Normalised: 8 letters, no dash. */
  user_code: string;
  client_id: string;
  scope: string;
  status: 'pending' | 'approved' | 'denied' | 'consumed';
  user_id: string | null;
  grant_id: string | null;
  auth_time: number | null;
  acr: string | null;
  amr: string | null;
  sid: string | null;
  /** RFC 8707 resources asked for, space-separated; migration 009. */
  resource: string | null;
  interval: number;
  last_polled_at: number | null;
  created_at: number;
  expires_at: number;
  consumed_at: number | null;
}

export interface RateLimitRow {
  key: string;
  count: number;
  reset_at: number;
}

export interface UsedJtiRow {
  /** client_id + ':' + jti of a client assertion, never accepted twice (RFC 7523 §3). */
  key: string;
  expires_at: number;
}

export interface InitialAccessTokenRow {
  token_hash: string;
  description: string | null;
  created_at: number;
  expires_at: number | null;
}

export interface AuditEventRow {
  /** Random id; events are ordered by `at`. */
  id: string;
  at: number;
  type: string;
  user_id: string | null;
  client_id: string | null;
  address: string | null;
  detail: string | null;
  /** Who acted (`user:<id>`, `client:<id>`, `cli`), when known; migration 012. */
  actor?: string | null;
}

export interface PushedAuthorizationRequestRow {
  /** SHA-256 of the request_uri (RFC 9126 §2.2): the reference is a bearer value, like a code. */
  request_uri_hash: string;
  client_id: string;
  /** The authorization request parameters as JSON (after a request object was unpacked). */
  params: string;
  expires_at: number;
  /** Set when /auth used it: each request_uri is used once (RFC 9126 §4). */
  consumed_at: number | null;
}

export interface TotpAuthenticatorRow {
  user_id: string;
  /** AES-256-GCM of the base32 secret under a key derived from TESSERA_SECRET. */
  secret_encrypted: string;
  /** Null until the person entered one code from it (enrollment not finished). */
  confirmed_at: number | null;
  /** The RFC 6238 time step of the last accepted code: a code is accepted once. */
  last_step: number | null;
  created_at: number;
}

export interface RecoveryCodeRow {
  user_id: string;
  /** HMAC-SHA-256 of the code under a key derived from TESSERA_SECRET. */
  code_hash: string;
  created_at: number;
  used_at: number | null;
}

export interface PasskeyRow {
  /** base64url credential id. */
  credential_id: string;
  user_id: string;
  name: string;
  /** base64url COSE public key. */
  public_key: string;
  sign_count: number;
  /** JSON array of transports, or null. */
  transports: string | null;
  /** `singleDevice` or `multiDevice` (backup eligibility). */
  device_type: string;
  /** 1 when the authenticator said the credential is backed up (BS flag). */
  backed_up: number;
  created_at: number;
  last_used_at: number | null;
}

export interface WebauthnChallengeRow {
  /** SHA-256 of the ceremony handle the browser holds. */
  id: string;
  challenge: string;
  /** `register` or `authenticate`. */
  purpose: string;
  user_id: string | null;
  expires_at: number;
  consumed_at: number | null;
}

/** An identity at another provider, linked to a Tessera user (migration 010). */
export interface FederatedIdentityRow {
  /** The connector's id from the configuration (`connectors[].id`). */
  connector_id: string;
  /** The upstream's stable subject (`sub`, a numeric account id, an LDAP entryUUID…). */
  upstream_subject: string;
  user_id: string;
  upstream_username: string | null;
  email: string | null;
  /** The upstream's tokens, sealed, only when a setting asks to keep them. */
  tokens_encrypted: string | null;
  created_at: number;
  last_used_at: number | null;
}
