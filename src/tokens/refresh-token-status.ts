import type { GrantsStore } from '../storage/grants-store.js';
import type { RefreshTokenRecord, RefreshTokensStore } from '../storage/refresh-tokens-store.js';
import { nowSeconds } from '../storage/database.js';
import { hashToken } from '../util/hashing.js';

/**
 * The record of a refresh token if it is active: known, not revoked, not yet rotated away,
 * unexpired, and its grant not revoked. Unlike RefreshTokens.find it reports nothing and
 * changes nothing, as introspection and revocation need (RFC 7662 §2.2, RFC 7009 §2.1).
 */
export async function refreshTokenStatus(store: RefreshTokensStore, grants: GrantsStore, token: string): Promise<RefreshTokenRecord | undefined> {
  if (token.length > 512) return undefined;
  const record = await store.findByHash(hashToken(token));
  if (!record || record.revoked_at !== null || record.consumed_at !== null || record.expires_at <= nowSeconds()) return undefined;
  const grant = await grants.find(record.grant_id);
  if (!grant || grant.revoked_at !== null) return undefined;
  return record;
}
