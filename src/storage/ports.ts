/**
 * What the rest of Tessera may ask of storage: the records it reads and writes and one
 * interface per store. Records speak the domain: camelCase fields, JSON already parsed,
 * times in whole seconds since the epoch. The Kysely implementations beside this file map
 * table rows to these records at their boundary; nothing above `storage/` sees a row.
 */
import type { JWK } from 'jose';
import type { Client } from '../clients/client.js';
import type { User } from '../accounts/user.js';

/**
 * OIDC Core §5.5: a `claims` request, as stored with a code or refresh token. Only the claim
 * names matter: each member asks for one claim in userinfo or in the ID token.
 */
export interface ClaimsRequest {
  userinfo?: Record<string, unknown>;
  id_token?: Record<string, unknown>;
}

/**
 * One authorization of one client by one user: an authorization code or device code and
 * every token that descends from it. Revoking the grant revokes all of them.
 */
export interface GrantRecord {
  id: string;
  userId: string;
  clientId: string;
  /** Granted scopes, space-separated. */
  scope: string;
  /** The browser session it was granted in; null for device grants (not ended by a browser logout). */
  sid: string | null;
  createdAt: number;
  expiresAt: number;
  revokedAt: number | null;
}

/** How the end-user authenticated, carried from the sign-in into every token of a grant. */
export interface Authentication {
  /** OIDC Core `auth_time`. */
  authTime: number;
  acr: string | null;
  /** RFC 8176 methods, e.g. ['pwd']; empty when unknown. */
  amr: string[];
  /** The browser session (`sid` claim). */
  sid: string | null;
}

/** An authorization code (RFC 6749 §4.1.2), stored by hash and bound to its request. */
export interface AuthorizationCodeRecord extends Authentication {
  codeHash: string;
  grantId: string;
  clientId: string;
  userId: string;
  /** redirect_uri exactly as sent, '' when the request omitted it. */
  redirectUri: string;
  scope: string;
  nonce: string | null;
  codeChallenge: string | null;
  codeChallengeMethod: string | null;
  claims: ClaimsRequest | null;
  /** RFC 8707 resource, the access tokens' audience. */
  resource: string | null;
  createdAt: number;
  expiresAt: number;
  consumedAt: number | null;
  /** RFC 9449: the JWK thumbprint (RFC 7638) this is bound to; absent or null when not bound. */
  dpopJkt?: string | null;
}

/** A refresh token, stored by hash (RFC 9700 §4.14.2 rotation marks it consumed). */
export interface RefreshTokenRecord extends Authentication {
  tokenHash: string;
  grantId: string;
  clientId: string;
  userId: string;
  scope: string;
  claims: ClaimsRequest | null;
  resource: string | null;
  createdAt: number;
  expiresAt: number;
  consumedAt: number | null;
  revokedAt: number | null;
  /** RFC 9449: the JWK thumbprint (RFC 7638) this is bound to; absent or null when not bound. */
  dpopJkt?: string | null;
}

/** Facts of the authentication an access token carries for userinfo and introspection. */
export interface AccessTokenExtra {
  authTime?: number;
  acr?: string;
  amr?: string[];
  sid?: string;
  /** OIDC Core §5.5 claims requested for userinfo. */
  userinfoClaims?: string[];
  /** RFC 8693 §4.1: who acts for the subject of an exchanged token (nested for prior actors). */
  act?: Actor;
}

/** RFC 8693 §4.1 `act`: an actor, and the actor before it. */
export interface Actor {
  sub: string;
  client_id?: string;
  act?: Actor;
}

/** An access token's record: every opaque token, JWTs of user grants, and revoked JWTs. */
export interface AccessTokenRecord {
  jti: string;
  /** SHA-256 of an opaque token; null for JWTs (they carry their own claims). */
  tokenHash: string | null;
  grantId: string | null;
  clientId: string;
  userId: string | null;
  scope: string;
  audience: string;
  extra: AccessTokenExtra | null;
  createdAt: number;
  expiresAt: number;
  revokedAt: number | null;
  /** RFC 9449: the JWK thumbprint (RFC 7638) this is bound to; absent or null when not bound. */
  dpopJkt?: string | null;
}

export type DeviceCodeStatus = 'pending' | 'approved' | 'denied' | 'consumed';

/** A device authorization request (RFC 8628), found by the device code's hash or the user code. */
export interface DeviceCodeRecord {
  deviceCodeHash: string;
  /** Normalised: 8 letters, no dash. */
  userCode: string;
  clientId: string;
  scope: string;
  status: DeviceCodeStatus;
  /** Set on approval, with the grant and how the user authenticated. */
  userId: string | null;
  grantId: string | null;
  authTime: number | null;
  acr: string | null;
  amr: string[];
  sid: string | null;
  /** RFC 8707 resources the device asked for, space-separated (absent or null: none). */
  resource?: string | null;
  /** Seconds between polls; grows by 5 at each slow_down (RFC 8628 §3.5). */
  interval: number;
  lastPolledAt: number | null;
  createdAt: number;
  expiresAt: number;
  consumedAt: number | null;
}

/** A browser session, found by the hash of its cookie. */
export interface SessionRecord {
  /** SHA-256 of the session cookie value. */
  idHash: string;
  /** Public session id, the `sid` of ID tokens and logout tokens. */
  sid: string;
  userId: string;
  authTime: number;
  amr: string[];
  acr: string | null;
  createdAt: number;
  expiresAt: number;
  endedAt: number | null;
  /** Each authentication method (RFC 8176 amr value) of the sign-in, and when it was last used. */
  methods: AuthenticationMethods;
  /** The browser's User-Agent at the last sign-in; null when unknown. */
  userAgent: string | null;
  /** The client address at the last sign-in (as trustProxy reads it); null when unknown. */
  address: string | null;
  /** When the session was last used (updated at most once a minute); null when unknown. */
  lastSeenAt: number | null;
}

/** RFC 8176 method (`pwd`, `otp`, `hwk`, `swk`, `user`) → epoch seconds it was last used. */
export type AuthenticationMethods = Partial<Record<string, number>>;

/** A signing key; the private part arrives and leaves encrypted. */
export interface SigningKeyRecord {
  kid: string;
  alg: string;
  publicJwk: JWK;
  /** AES-256-GCM of the private JWK under a key derived from TESSERA_SECRET. */
  privateJwkEncrypted: string;
  /** When the key starts signing (in the future during a rotation). */
  createdAt: number;
  /** Set when a newer key took over signing; the key stays in the JWKS until `expiresAt`. */
  retiredAt: number | null;
  expiresAt: number | null;
}

/** An initial access token for dynamic registration (RFC 7591 §3), stored by hash. */
export interface InitialAccessTokenRecord {
  tokenHash: string;
  description: string | null;
  createdAt: number;
  expiresAt: number | null;
}

/** One event of the audit trail. */
export interface AuditRecord {
  id: string;
  at: number;
  type: string;
  userId: string | null;
  clientId: string | null;
  address: string | null;
  detail: Record<string, unknown> | null;
  /** Who acted: `user:<id>` or `client:<id>` through the admin API, `cli` from the command line; null when not recorded. */
  actor?: string | null;
}

export interface AuditEventFilter {
  /** Epoch seconds: events at or after. */
  since?: number;
  /** Epoch seconds: events before. */
  until?: number;
  type?: string;
  userId?: string;
  clientId?: string;
  actor?: string;
  /** Only events older than this one in the trail's order (newest first): the next page. */
  before?: { at: number; id: string };
  limit?: number;
}

/** Registered clients. */
export interface ClientsStore {
  find(clientId: string): Promise<Client | undefined>;
  list(): Promise<Client[]>;
  /** Inserts or replaces the client with this id. */
  save(client: Client, now: number): Promise<void>;
  delete(clientId: string): Promise<boolean>;
}

export interface UserWithHash extends User {
  passwordHash: string;
}

/** End-users. */
export interface UsersStore {
  findById(id: string): Promise<User | undefined>;
  findByUsername(username: string): Promise<UserWithHash | undefined>;
  list(): Promise<User[]>;
  insert(user: UserWithHash, now: number): Promise<void>;
  updateClaims(id: string, claims: Record<string, unknown>, now: number): Promise<void>;
  setPasswordHash(id: string, passwordHash: string, now: number): Promise<boolean>;
  /** Disables the user at `disabledAt`, or enables them again (null). False when there is no such user. */
  setDisabled(id: string, disabledAt: number | null, now: number): Promise<boolean>;
  /** Replaces the user's roles. False when there is no such user. */
  setRoles(id: string, roles: string[], now: number): Promise<boolean>;
  /** One page of users in username order: after `after` (a username), at most `limit`, matching `q` in username or claims. */
  page(query: UsersPageQuery): Promise<User[]>;
  delete(id: string): Promise<boolean>;
}

export interface UsersPageQuery {
  after?: string;
  limit: number;
  /** Case-insensitive substring of the username or of the claims (name, email...). */
  q?: string;
}

/** Grants. They are created with their code (AuthorizationCodesStore.issue) or device approval. */
export interface GrantsStore {
  find(id: string): Promise<GrantRecord | undefined>;
  /** Marks the grant and its refresh and access tokens revoked, in one transaction. */
  revoke(id: string, now: number): Promise<void>;
  /** Grants of a browser session (for logout). */
  findBySid(sid: string): Promise<GrantRecord[]>;
  /** Marks every grant of the user revoked, with their refresh and access tokens, in one transaction (a password change). */
  revokeAllOfUser(userId: string, now: number): Promise<void>;
  /** Marks every grant of the user to one client revoked, with their refresh and access tokens, in one transaction. Returns how many. */
  revokeAllOfUserAndClient(userId: string, clientId: string, now: number): Promise<number>;
  /** Live grants (not revoked, not expired) of a user, a client, or both, newest first; at most `limit`. */
  listLive(filter: { userId?: string; clientId?: string; limit: number }, now: number): Promise<GrantRecord[]>;
}

/** Authorization codes, stored by hash. */
export interface AuthorizationCodesStore {
  /**
   * Stores a new grant and its code, and records that the code's browser session signed in
   * to the client (for back-channel logout), in one transaction: all or nothing.
   */
  issue(grant: GrantRecord, code: AuthorizationCodeRecord): Promise<void>;
  /**
   * Marks the code used, atomically: returns the record on the first use only. A second call
   * finds it consumed and returns `{ replayed: record }` so the caller can revoke the grant
   * (RFC 6749 §4.1.2).
   */
  consume(codeHash: string, now: number): Promise<{ record?: AuthorizationCodeRecord; replayed?: AuthorizationCodeRecord }>;
}

/** Refresh tokens, stored by hash. */
export interface RefreshTokensStore {
  insert(record: RefreshTokenRecord): Promise<void>;
  findByHash(tokenHash: string): Promise<RefreshTokenRecord | undefined>;
  /**
   * Rotation (RFC 9700 §4.14.2): marks the old token used and stores its successor, in one
   * transaction. The mark is atomic: false when the old token was already used or revoked,
   * and then nothing is stored.
   */
  rotate(oldHash: string, successor: RefreshTokenRecord, now: number): Promise<boolean>;
}

/**
 * Access-token records: opaque tokens (found by hash), JWTs of user grants (so that revoking
 * the grant reaches them), and revocations of any JWT by `jti` until it expires.
 */
export interface AccessTokensStore {
  insert(record: AccessTokenRecord): Promise<void>;
  findByHash(tokenHash: string): Promise<AccessTokenRecord | undefined>;
  findByJti(jti: string): Promise<AccessTokenRecord | undefined>;
  /** Records the revocation of a JWT by jti, creating the record if the token had none. */
  revoke(record: Omit<AccessTokenRecord, 'revokedAt'>, now: number): Promise<void>;
}

/** What the verification page records when the end-user allows the device. */
export interface DeviceApproval extends Authentication {
  userId: string;
}

/** The outcome of one poll of the token endpoint (RFC 8628 §3.4, §3.5). */
export type PollResult =
  { outcome: 'allowed'; record: DeviceCodeRecord } | { outcome: 'slow_down'; record: DeviceCodeRecord } | { outcome: 'unknown' };

/**
 * Device authorization requests (RFC 8628). Every state change is one conditional UPDATE,
 * so several processes on one database agree on it.
 */
export interface DeviceCodesStore {
  create(record: DeviceCodeRecord): Promise<void>;
  findByDeviceCode(deviceCodeHash: string): Promise<DeviceCodeRecord | undefined>;
  findByUserCode(userCode: string): Promise<DeviceCodeRecord | undefined>;
  /**
   * Pending and unexpired → approved under `grant`, once: the grant is stored and the code
   * marked in one transaction. False, and no grant stored, if it was not pending (or expired) any more.
   */
  approve(userCode: string, grant: GrantRecord, approval: DeviceApproval, now: number): Promise<boolean>;
  /** Pending and unexpired → denied, once. */
  deny(userCode: string, now: number): Promise<boolean>;
  /**
   * Counts one poll: if the previous poll was at least `interval` seconds ago it records this
   * one and answers `allowed`; otherwise it adds 5 s to the stored interval (RFC 8628 §3.5)
   * and answers `slow_down`. Of concurrent polls within one interval at most one is allowed.
   */
  recordPoll(deviceCodeHash: string, now: number): Promise<PollResult>;
  /** Approved → consumed, atomically: the record on the first call only. */
  consume(deviceCodeHash: string, now: number): Promise<DeviceCodeRecord | undefined>;
}

/** Browser sessions (by cookie hash) and the clients each one has signed in to (for logout). */
export interface SessionsStore {
  insert(session: SessionRecord): Promise<void>;
  /** The live session whose cookie hashes to `idHash`: not ended, not expired. */
  findLive(idHash: string, now: number): Promise<SessionRecord | undefined>;
  findBySid(sid: string): Promise<SessionRecord | undefined>;
  /** A fresh sign-in by the same user: new cookie hash, new auth_time, same sid. */
  reauthenticate(
    sid: string,
    update: Pick<SessionRecord, 'idHash' | 'authTime' | 'amr' | 'acr' | 'expiresAt' | 'methods' | 'userAgent' | 'address' | 'lastSeenAt'>,
  ): Promise<void>;
  end(sid: string, now: number): Promise<void>;
  /** Ends the session only if it is live and belongs to `userId` (the account page); false otherwise. */
  endOfUser(sid: string, userId: string, now: number): Promise<boolean>;
  /** Ends every live session of the user, but the one `exceptSid` names if given (a password change); returns their sids. */
  endAllOfUser(userId: string, now: number, exceptSid?: string): Promise<string[]>;
  /** The user's live sessions (not ended, not expired), most recently used first. */
  listLiveOfUser(userId: string, now: number): Promise<SessionRecord[]>;
  /** Records that the session was used at `now`, if it was last seen before `staleBefore` (one write a minute at most). */
  touch(sid: string, now: number, staleBefore: number): Promise<void>;
  /** The clients that received a code in the session (AuthorizationCodesStore.issue records them). */
  clientsOf(sid: string): Promise<string[]>;
}

/** What a user has allowed a client: scopes, and single claims asked for beyond them (OIDC Core §5.5). */
export interface RememberedConsent {
  scopes: string[];
  claims: string[];
}

/** Remembered consent, so the user is not asked again for what they allowed. */
export interface ConsentsStore {
  /** What `userId` has allowed `clientId`; empty lists when never asked. */
  find(userId: string, clientId: string): Promise<RememberedConsent>;
  /** Adds `consent` to what the user has allowed the client (union with earlier consent). */
  remember(userId: string, clientId: string, consent: RememberedConsent, now: number): Promise<void>;
  forget(userId: string, clientId: string): Promise<void>;
  /** Every client the user has allowed something, oldest first (the account page). */
  listOfUser(userId: string): Promise<ConsentOfUser[]>;
}

/** One remembered consent, as the account page lists it. */
export interface ConsentOfUser extends RememberedConsent {
  clientId: string;
  /** When the user first allowed the client, and last allowed it more. */
  createdAt: number;
  updatedAt: number;
}

/** Everything issued to one client, for when the client goes away (RFC 7592 §2.3). */
export interface ClientTokensStore {
  /** Marks every grant, refresh token and access token of the client revoked, in one transaction. */
  revokeAll(clientId: string, now: number): Promise<void>;
}

/**
 * Identifiers of client assertions already accepted (RFC 7523 §3: a `jti` is never accepted
 * twice). Each is kept until the assertion it came from expires.
 */
export interface UsedJtisStore {
  /**
   * Records `key` until `expiresAt` in one atomic statement. Returns false when the key is
   * already recorded and not yet expired: the assertion is a replay.
   */
  remember(key: string, expiresAt: number, now: number): Promise<boolean>;
}

/** The signing keys. */
export interface SigningKeysStore {
  /** Newest first. */
  list(): Promise<SigningKeyRecord[]>;
  insert(key: SigningKeyRecord): Promise<void>;
  /** Stops a key from signing; it stays published until `expiresAt`. */
  retire(kid: string, retiredAt: number, expiresAt: number): Promise<void>;
  /** Drops keys whose publication period is over. */
  deleteExpired(now: number): Promise<number>;
}

/** Initial access tokens for the registration endpoint (RFC 7591 §3). */
export interface InitialAccessTokensStore {
  insert(token: InitialAccessTokenRecord): Promise<void>;
  /** The token with this hash if it has not expired at `now`. */
  findValid(tokenHash: string, now: number): Promise<InitialAccessTokenRecord | undefined>;
  list(): Promise<InitialAccessTokenRecord[]>;
  delete(tokenHash: string): Promise<boolean>;
}

/** The audit trail, append-only: nothing but the janitor's retention ever deletes from it. */
export interface AuditEventsStore {
  /** Appends events, several in one statement. */
  append(events: AuditRecord[]): Promise<void>;
  /** Newest first. A `type` ending in `.*` matches the whole family (`signin.*`). */
  list(filter: AuditEventFilter): Promise<AuditRecord[]>;
}

/** A pushed authorization request (RFC 9126 §2): the parameters a client sent to the PAR endpoint. */
export interface PushedRequestRecord {
  /** SHA-256 of the request_uri handed to the client. */
  requestUriHash: string;
  clientId: string;
  params: Record<string, string>;
  expiresAt: number;
}

/** Pushed authorization requests, each used at most once (RFC 9126 §4). */
export interface PushedRequestsStore {
  save(record: PushedRequestRecord): Promise<void>;
  /**
   * Marks the request used and returns it, in one atomic statement, when it exists, belongs to
   * `clientId`, has not expired and was not used before; otherwise undefined (and nothing changes).
   */
  consume(requestUriHash: string, clientId: string, now: number): Promise<PushedRequestRecord | undefined>;
}

/** One kind of row the janitor purges: deletes at most `limit` of them, returns how many. */
export interface PurgeStep {
  name: string;
  purge(now: number, limit: number): Promise<number>;
}

/** A person's TOTP authenticator (RFC 6238); the secret arrives and leaves encrypted. */
export interface TotpAuthenticatorRecord {
  userId: string;
  secretEncrypted: string;
  /** Null while enrollment waits for the first code. */
  confirmedAt: number | null;
  lastStep: number | null;
  createdAt: number;
}

/** Second factors other than passkeys: TOTP authenticators and recovery codes. */
export interface SecondFactorsStore {
  findTotp(userId: string): Promise<TotpAuthenticatorRecord | undefined>;
  /** Starts (or restarts) an enrollment: an unconfirmed authenticator replaces any unconfirmed one; a confirmed one stays. */
  startTotp(userId: string, secretEncrypted: string, now: number): Promise<boolean>;
  /**
   * Records the use of time step `step`, atomically: true only when it is later than the last
   * step used (a code is accepted once, RFC 6238 §5.2), and confirms a pending enrollment.
   */
  useTotpStep(userId: string, step: number, now: number): Promise<boolean>;
  removeTotp(userId: string): Promise<boolean>;
  /** Replaces every recovery code of the user with these hashes. */
  replaceRecoveryCodes(userId: string, codeHashes: string[], now: number): Promise<void>;
  /** Marks an unused code used, atomically; false when there is no such unused code. */
  useRecoveryCode(userId: string, codeHash: string, now: number): Promise<boolean>;
  /** How many unused recovery codes the user has. */
  countRecoveryCodes(userId: string): Promise<number>;
  /** Removes TOTP, recovery codes and passkeys of the user (operator reset); how many of each went. */
  resetAll(userId: string): Promise<{ totp: number; recoveryCodes: number; passkeys: number }>;
}

/** A WebAuthn credential (passkey) registered by a user. */
export interface PasskeyRecord {
  credentialId: string;
  userId: string;
  name: string;
  publicKey: string;
  signCount: number;
  transports: string[];
  deviceType: string;
  backedUp: boolean;
  createdAt: number;
  lastUsedAt: number | null;
}

export interface PasskeysStore {
  listOfUser(userId: string): Promise<PasskeyRecord[]>;
  find(credentialId: string): Promise<PasskeyRecord | undefined>;
  insert(passkey: PasskeyRecord): Promise<void>;
  /** After an assertion: the new signature counter, backup state and the time. */
  recordUse(credentialId: string, update: { signCount: number; backedUp: boolean; now: number }): Promise<void>;
  rename(userId: string, credentialId: string, name: string): Promise<boolean>;
  remove(userId: string, credentialId: string): Promise<boolean>;
}

/** A WebAuthn ceremony's challenge, held server-side so any instance can finish the ceremony. */
export interface WebauthnChallengeRecord {
  id: string;
  challenge: string;
  purpose: 'register' | 'authenticate';
  userId: string | null;
  expiresAt: number;
}

export interface WebauthnChallengesStore {
  insert(challenge: WebauthnChallengeRecord): Promise<void>;
  /** Takes the challenge, atomically and once: undefined when unknown, used or expired. */
  consume(id: string, purpose: WebauthnChallengeRecord['purpose'], now: number): Promise<WebauthnChallengeRecord | undefined>;
}

/** An identity at another provider (connector, upstream subject), linked to one Tessera user. */
export interface FederatedIdentityRecord {
  connectorId: string;
  upstreamSubject: string;
  userId: string;
  /** What the upstream last called the person (display only; never used to find the link). */
  upstreamUsername: string | null;
  /** The email the upstream last gave (display only; never used to find the link). */
  email: string | null;
  /** The upstream's tokens, sealed, only when a setting asks to keep them. */
  tokensEncrypted: string | null;
  createdAt: number;
  lastUsedAt: number | null;
}

export interface FederatedIdentitiesStore {
  /** The link of this upstream identity, if any: the only way an upstream sign-in finds its user. */
  find(connectorId: string, upstreamSubject: string): Promise<FederatedIdentityRecord | undefined>;
  listOfUser(userId: string): Promise<FederatedIdentityRecord[]>;
  /** Links the identity; false (and nothing changes) when it is linked already, to this user or another. */
  link(identity: FederatedIdentityRecord): Promise<boolean>;
  /** After a sign-in through the link: what the upstream says now, and the time. */
  recordUse(
    connectorId: string,
    upstreamSubject: string,
    update: { upstreamUsername: string | null; email: string | null; tokensEncrypted: string | null; now: number },
  ): Promise<void>;
  /** Removes the user's link; false when the user has no such link. */
  unlink(userId: string, connectorId: string, upstreamSubject: string): Promise<boolean>;
}
