import { isPublicClient, type Client } from '../clients/client.js';
import { InvalidGrant } from '../protocol/oauth-errors.js';
import type { ClaimsRequest, GrantsStore, RefreshTokenRecord, RefreshTokensStore } from '../storage/ports.js';
import type { Clock } from '../util/clock.js';
import { hashToken } from '../util/hashing.js';
import { randomToken } from '../util/random.js';

/** What a refresh token carries forward from the authorization it descends from. */
export interface RefreshTokenGrant {
  client: Client;
  grantId: string;
  userId: string;
  /** The scope of the authorization; a refresh may ask for less, never more (RFC 6749 §6). */
  scope: string;
  claims?: ClaimsRequest | null;
  resource?: string | null;
  authTime: number;
  acr?: string | null;
  amr?: string[] | null;
  sid?: string | null;
  /** RFC 9449 §5: the DPoP key a public client's refresh token is bound to. */
  dpopJkt?: string;
}

export interface RefreshTokensOptions {
  store: RefreshTokensStore;
  grants: Pick<GrantsStore, 'find' | 'revoke'>;
  /** Lifetime in seconds of each token, capped by its grant's expiry (config ttl.refreshToken). */
  ttl: number;
  /** Rotate confidential clients' tokens too (config refreshTokens.rotateConfidential). */
  rotateConfidential: boolean;
  /** Told of reuse (the audit trail). */
  onReuse?: (record: RefreshTokenRecord) => Promise<void>;
  clock: Clock;
}

/**
 * Refresh tokens: 256 random bits, stored hashed, rotated on use with reuse detection
 * (RFC 9700 §4.14.2): a token presented after it was rotated revokes its whole grant.
 */
export class RefreshTokens {
  constructor(private readonly options: RefreshTokensOptions) {}

  async issue(grant: RefreshTokenGrant): Promise<string> {
    const token = randomToken(32);
    const now = this.options.clock.nowSeconds();
    await this.options.store.insert(this.record(token, grant, now, await this.expiryFrom(now, grant.grantId)));
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
    if (record.clientId !== client.clientId)
      throw new InvalidGrant('the refresh token is invalid', `refresh token of ${record.clientId} presented by ${client.clientId}`);
    if (record.revokedAt !== null) throw new InvalidGrant('the refresh token has been revoked');
    if (record.consumedAt !== null) await this.reused(record);
    if (record.expiresAt <= this.options.clock.nowSeconds()) throw new InvalidGrant('the refresh token has expired');
    const grant = await this.options.grants.find(record.grantId);
    if (!grant || grant.revokedAt !== null) throw new InvalidGrant('the authorization has been revoked');
    // The grant's lifetime is absolute: however recently the token was rotated, it ends with it.
    if (grant.expiresAt <= this.options.clock.nowSeconds()) throw new InvalidGrant('the authorization has expired: sign in again');
    return record;
  }

  /**
   * The record of a token if it is active: known, not revoked, not yet rotated away,
   * unexpired, and its grant not revoked. Unlike `find` it reports nothing and changes
   * nothing, as introspection and revocation need (RFC 7662 §2.2, RFC 7009 §2.1).
   */
  async status(token: string): Promise<RefreshTokenRecord | undefined> {
    if (token.length > 512) return undefined;
    const record = await this.options.store.findByHash(hashToken(token));
    if (!record || record.revokedAt !== null || record.consumedAt !== null || record.expiresAt <= this.options.clock.nowSeconds())
      return undefined;
    const grant = await this.options.grants.find(record.grantId);
    if (!grant || grant.revokedAt !== null || grant.expiresAt <= this.options.clock.nowSeconds()) return undefined;
    return record;
  }

  /**
   * The refresh token to hand back after a successful refresh: a successor for public
   * clients (RFC 9700 §4.14.2 MUST) and, when configured, confidential ones; else the same.
   */
  async rotate(token: string, record: RefreshTokenRecord, client: Client): Promise<string> {
    if (!isPublicClient(client) && !this.options.rotateConfidential) return token;
    const successor = randomToken(32);
    const now = this.options.clock.nowSeconds();
    const next: RefreshTokenRecord = {
      ...record,
      tokenHash: hashToken(successor),
      createdAt: now,
      expiresAt: await this.expiryFrom(now, record.grantId),
      consumedAt: null,
      revokedAt: null,
    };
    // Two requests racing with the same token: only one rotation wins; the other is reuse.
    if (!(await this.options.store.rotate(record.tokenHash, next, now))) await this.reused(record);
    return successor;
  }

  /** A new token's expiry: its own lifetime, never past its grant's (the absolute lifetime, ttl.grant). */
  private async expiryFrom(now: number, grantId: string): Promise<number> {
    const grant = await this.options.grants.find(grantId);
    return Math.min(now + this.options.ttl, grant?.expiresAt ?? now);
  }

  private async reused(record: RefreshTokenRecord): Promise<never> {
    // RFC 9700 §4.14.2: reuse of a rotated token means it leaked; revoke every token of the grant.
    await this.options.grants.revoke(record.grantId, this.options.clock.nowSeconds());
    await this.options.onReuse?.(record);
    throw new InvalidGrant('the refresh token has already been used', `reuse of a rotated refresh token of grant ${record.grantId}`);
  }

  private record(token: string, grant: RefreshTokenGrant, now: number, expiresAt: number): RefreshTokenRecord {
    return {
      tokenHash: hashToken(token),
      grantId: grant.grantId,
      clientId: grant.client.clientId,
      userId: grant.userId,
      scope: grant.scope,
      claims: grant.claims ?? null,
      resource: grant.resource ?? null,
      authTime: grant.authTime,
      acr: grant.acr ?? null,
      amr: grant.amr ?? [],
      sid: grant.sid ?? null,
      createdAt: now,
      expiresAt,
      consumedAt: null,
      revokedAt: null,
      dpopJkt: grant.dpopJkt ?? null,
    };
  }
}
