import type { RefreshTokenRecord } from '../storage/ports.js';
import type { AccessTokenInfo } from './access-token.js';
import type { AccessTokens } from './access-tokens.js';
import type { RefreshTokens } from './refresh-tokens.js';

/** An active token presented to introspection or revocation, with the client it was issued to. */
export type FoundToken =
  | { type: 'access_token'; clientId: string; info: AccessTokenInfo }
  | { type: 'refresh_token'; clientId: string; record: RefreshTokenRecord };

export interface TokenSources {
  accessTokens: Pick<AccessTokens, 'verify'>;
  refreshTokens: Pick<RefreshTokens, 'status'>;
}

/**
 * Finds an active access or refresh token. RFC 7662 §2.1 / RFC 7009 §2.1: `token_type_hint`
 * only decides which kind is looked at first; the search always covers both.
 */
export async function findToken(sources: TokenSources, token: string, hint: string | undefined): Promise<FoundToken | undefined> {
  const lookups = [findAccessToken, findRefreshToken];
  if (hint === 'refresh_token') lookups.reverse();
  for (const lookup of lookups) {
    const found = await lookup(sources, token);
    if (found) return found;
  }
  return undefined;
}

async function findAccessToken(sources: TokenSources, token: string): Promise<FoundToken | undefined> {
  const info = await sources.accessTokens.verify(token);
  return info && { type: 'access_token', clientId: info.clientId, info };
}

async function findRefreshToken(sources: TokenSources, token: string): Promise<FoundToken | undefined> {
  const record = await sources.refreshTokens.status(token);
  return record && { type: 'refresh_token', clientId: record.clientId, record };
}
