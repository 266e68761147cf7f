import { isPublicClient, type Client } from '../clients/client.js';
import { InvalidGrant } from '../http/oauth-errors.js';
import type { GrantsStore } from '../storage/grants-store.js';
import type { RefreshTokenRecord, RefreshTokensStore } from '../storage/refresh-tokens-store.js';
import { nowSeconds } from '../storage/database.js';
import { hashToken } from '../util/hashing.js';
import { randomToken } from '../util/random.js';

/** What a refresh token carries forward from the authorization it descends from. */
export interface RefreshTokenGrant {
  client: Client;
  grantId: string;
  userId: string;
  /** The scope of the authorization; a refresh may ask for less, never more (RFC 6749 §6). */
  scope: string;
  claims?: string | null;
  resource?: string | null;
  authTime: number;
  acr?: string | null;
  amr?: string[] | null;
  sid?: string | null;
}

export interface RefreshTokensOptions {
  store: RefreshTokensStore;
  grants: GrantsStore;
  /** Lifetime in seconds (config ttl.refreshToken). */
  ttl: number;
  /** Rotate confidential clients' tokens too (config refreshTokens.rotateConfidential). */
  rotateConfidential: boolean;
  /** Told of reuse (issue 7: the audit trail). */
  onReuse?: (record: RefreshTokenRecord) => Promise<void>;
}

/**
 * Refresh tokens: 256 random bits, stored hashed, rotated on use with reuse detection
 * (RFC 9700 §4.14.2): a token presented after it was rotated revokes its whole grant.
 */
export class RefreshTokens {
  constructor(private readonly options: RefreshTokensOptions) {}

  async issue(grant: RefreshTokenGrant): Promise<string> {
    const token = randomToken(32);
    await this.options.store.insert(this.record(token, grant, nowSeconds()));
    return token;
  }

  /**
   * The active record of a presented token, for `client`. Every refusal is invalid_grant
   * (RFC 6749 §5.2); a rotated token presented again revokes the grant first.
   */
  async find(token: string, client: Client): Promise<RefreshTokenRecord> {
    const record = await this.options.store.findByHash(hashToken(token));
    if (!record) throw new InvalidGrant('the refresh token is invalid');
    // RFC 6749 §6: the token must have been issued to the authenticated client.
    if (record.client_id !== client.clientId) throw new InvalidGrant('the refresh token is invalid', `refresh token of ${record.client_id} presented by ${client.clientId}`);
    if (record.revoked_at !== null) throw new InvalidGrant('the refresh token has been revoked');
    if (record.consumed_at !== null) await this.reused(record);
    if (record.expires_at <= nowSeconds()) throw new InvalidGrant('the refresh token has expired');
    const grant = await this.options.grants.find(record.grant_id);
    if (!grant || grant.revoked_at !== null) throw new InvalidGrant('the authorization has been revoked');
    return record;
  }

  /**
   * The refresh token to hand back after a successful refresh: a successor for public
   * clients (RFC 9700 §4.14.2 MUST) and, when configured, confidential ones; else the same.
   */
  async rotate(token: string, record: RefreshTokenRecord, client: Client): Promise<string> {
    if (!isPublicClient(client) && !this.options.rotateConfidential) return token;
    const successor = randomToken(32);
    const now = nowSeconds();
    const next: RefreshTokenRecord = { ...record, token_hash: hashToken(successor), created_at: now, expires_at: now + this.options.ttl, consumed_at: null, revoked_at: null };
    // Two requests racing with the same token: only one rotation wins; the other is reuse.
    if (!(await this.options.store.rotate(record.token_hash, next, now))) await this.reused(record);
    return successor;
  }

  private async reused(record: RefreshTokenRecord): Promise<never> {
    // RFC 9700 §4.14.2: reuse of a rotated token means it leaked; revoke every token of the grant.
    await this.options.grants.revoke(record.grant_id, nowSeconds());
    await this.options.onReuse?.(record);
    throw new InvalidGrant('the refresh token has already been used', `reuse of a rotated refresh token of grant ${record.grant_id}`);
  }

  private record(token: string, grant: RefreshTokenGrant, now: number): RefreshTokenRecord {
    return {
      token_hash: hashToken(token),
      grant_id: grant.grantId,
      client_id: grant.client.clientId,
      user_id: grant.userId,
      scope: grant.scope,
      claims: grant.claims ?? null,
      resource: grant.resource ?? null,
      auth_time: grant.authTime,
      acr: grant.acr ?? null,
      amr: grant.amr && grant.amr.length > 0 ? JSON.stringify(grant.amr) : null,
      sid: grant.sid ?? null,
      created_at: now,
      expires_at: now + this.options.ttl,
      consumed_at: null,
      revoked_at: null,
    };
  }
}
