import type { SubjectIdentifiers } from '../accounts/subject-for-client.js';
import { scopeForResource, type ResourcePolicy } from '../rules/resource.js';
import type { KeySet } from '../keys/key-set.js';
import type { AccessTokensStore, GrantsStore } from '../storage/ports.js';
import type { Clock } from '../util/clock.js';
import { hashToken } from '../util/hashing.js';
import { randomToken } from '../util/random.js';
import { signJwt } from '../jose/sign.js';
import { verifyOwnJwt } from '../jose/verify-own.js';
import type { AccessTokenInfo, AccessTokenRequest, IssuedAccessToken } from './access-token.js';

export interface AccessTokensOptions {
  issuer: string;
  defaultFormat: 'jwt' | 'opaque';
  defaultAudience: string;
  keys: KeySet;
  store: AccessTokensStore;
  grants: GrantsStore;
  /** Whether the client still exists: a deleted client's tokens stop working (RFC 7592 §2.3). */
  clientExists: (clientId: string) => Promise<boolean>;
  /** The `sub` the client sees (public or pairwise, OIDC Core §8), also in tokens for other audiences. */
  subjects: Pick<SubjectIdentifiers, 'forClient' | 'forClientId'>;
  /** Registered resources: a token for one takes its audience, format, lifetime and scopes (RFC 8707). */
  resources: ResourcePolicy;
  clock: Clock;
}

/**
 * Issues and checks access tokens. The format is a strategy chosen per client:
 * RFC 9068 JWTs by default, or opaque reference tokens stored hashed. Tokens of user grants
 * are recorded so that revoking the grant reaches them; any JWT can be revoked by `jti`.
 */
export class AccessTokens {
  constructor(private readonly options: AccessTokensOptions) {}

  async issue(request: AccessTokenRequest): Promise<IssuedAccessToken> {
    const resource = request.audience === undefined ? undefined : this.options.resources.registered?.get(request.audience);
    const format = resource?.accessTokenFormat ?? request.client.metadata.access_token_format ?? this.options.defaultFormat;
    const ttl = Math.min(request.ttl, resource?.accessTokenTtl ?? request.ttl);
    const jti = randomToken(16);
    const now = this.options.clock.nowSeconds();
    const exp = now + ttl;
    const audience = resource?.audience ?? request.audience ?? this.options.defaultAudience;
    // RFC 8707 §2.2: the token is for one audience, with the scopes that mean something there.
    const scope = scopeForResource(this.options.resources, request.audience, request.scope);
    let token: string;
    if (format === 'jwt') {
      const key = this.options.keys.signingKey();
      // RFC 9068 §2.2: iss, exp, aud, sub, client_id, iat, jti; scope per §2.2.3.
      token = await signJwt(key, 'at+jwt', {
        client_id: request.client.clientId,
        scope: scope || undefined,
        auth_time: request.extra?.authTime,
        acr: request.extra?.acr,
        // RFC 8693 §4.1: who acts for the subject (token exchange with an actor_token).
        act: request.extra?.act,
        iss: this.options.issuer,
        sub: request.userId === undefined ? request.client.clientId : this.options.subjects.forClient(request.client, request.userId),
        aud: audience,
        iat: now,
        exp,
        jti,
        // RFC 9449 §6.1: the confirmation of the DPoP key the token is bound to.
        cnf: request.dpopJkt ? { jkt: request.dpopJkt } : undefined,
      });
    } else {
      token = randomToken(32);
    }
    if (format === 'opaque' || request.grantId) {
      await this.options.store.insert({
        jti,
        tokenHash: format === 'opaque' ? hashToken(token) : null,
        grantId: request.grantId ?? null,
        clientId: request.client.clientId,
        userId: request.userId ?? null,
        scope,
        audience,
        extra: request.extra ?? null,
        createdAt: now,
        expiresAt: exp,
        revokedAt: null,
        dpopJkt: request.dpopJkt ?? null,
      });
    }
    return { token, jti, expiresIn: ttl, format, scope };
  }

  /** The token's facts if it is active (valid, unexpired, unrevoked, grant not revoked); else undefined. */
  async verify(token: string): Promise<AccessTokenInfo | undefined> {
    if (token.length > 8192) return undefined;
    const info = looksLikeJwt(token) ? await this.verifyJwt(token) : await this.verifyOpaque(token);
    if (!info) return undefined;
    if (!(await this.options.clientExists(info.clientId))) return undefined;
    if (info.grantId) {
      const grant = await this.options.grants.find(info.grantId);
      if (!grant || grant.revokedAt !== null) return undefined;
    }
    return info;
  }

  private async verifyJwt(token: string): Promise<AccessTokenInfo | undefined> {
    const payload = await verifyOwnJwt(token, this.options.keys, {
      issuer: this.options.issuer,
      kind: 'access',
      now: this.options.clock.nowSeconds(),
    });
    if (!payload) return undefined;
    const record = await this.options.store.findByJti(payload.jti);
    if (record && record.revokedAt !== null) return undefined;
    return {
      jti: payload.jti,
      format: 'jwt',
      clientId: payload.client_id,
      sub: payload.sub,
      userId: record?.userId ?? (payload.sub !== payload.client_id ? payload.sub : undefined),
      scope: typeof payload.scope === 'string' ? payload.scope : '',
      aud: payload.aud ?? [],
      iat: payload.iat ?? 0,
      exp: payload.exp,
      grantId: record?.grantId ?? undefined,
      extra: record?.extra ?? {},
      dpopJkt: confirmedJkt(payload.cnf),
    };
  }

  private async verifyOpaque(token: string): Promise<AccessTokenInfo | undefined> {
    const record = await this.options.store.findByHash(hashToken(token));
    if (!record || record.revokedAt !== null || record.expiresAt <= this.options.clock.nowSeconds()) return undefined;
    const sub = record.userId === null ? record.clientId : await this.options.subjects.forClientId(record.clientId, record.userId);
    if (sub === undefined) return undefined;
    return {
      jti: record.jti,
      format: 'opaque',
      clientId: record.clientId,
      sub,
      userId: record.userId ?? undefined,
      scope: record.scope,
      aud: record.audience,
      iat: record.createdAt,
      exp: record.expiresAt,
      grantId: record.grantId ?? undefined,
      extra: record.extra ?? {},
      dpopJkt: record.dpopJkt ?? undefined,
    };
  }

  /** Revokes an active token (RFC 7009); idempotent. */
  async revoke(info: AccessTokenInfo): Promise<void> {
    await this.options.store.revoke(
      {
        jti: info.jti,
        tokenHash: null,
        grantId: info.grantId ?? null,
        clientId: info.clientId,
        userId: info.userId ?? null,
        scope: info.scope,
        audience: Array.isArray(info.aud) ? info.aud.join(' ') : info.aud,
        extra: null,
        createdAt: info.iat,
        expiresAt: info.exp,
        dpopJkt: info.dpopJkt ?? null,
      },
      this.options.clock.nowSeconds(),
    );
  }
}

/** RFC 7800 §3.1 / RFC 9449 §6.1: the `jkt` member of a `cnf` claim. */
function confirmedJkt(cnf: unknown): string | undefined {
  const jkt = cnf && typeof cnf === 'object' ? (cnf as { jkt?: unknown }).jkt : undefined;
  return typeof jkt === 'string' ? jkt : undefined;
}

function looksLikeJwt(token: string): boolean {
  return token.split('.').length === 3;
}
