/**
 * How an API checks the access tokens Tessera issues, in both formats:
 * - JWT (RFC 9068): verified offline against the provider's JWKS;
 * - opaque: asked about at the provider's introspection endpoint (RFC 7662) with the API's
 *   own client credentials.
 * Either way the token must be from the issuer, for this API (audience), and carry the scope.
 */
import { createRemoteJWKSet, errors, jwtVerify } from 'jose';
import * as oidc from 'openid-client';

export interface AccessTokenChecks {
  issuer: string;
  /** This API's identifier: the `resource` clients ask tokens for, and so the tokens' `aud`. */
  audience: string;
  /** Discovery plus the API's client credentials, for introspection; none: opaque tokens are refused. */
  introspection?: oidc.Configuration;
}

export interface VerifiedToken {
  format: 'jwt' | 'opaque';
  sub?: string;
  clientId?: string;
  scopes: string[];
}

/** The token is not acceptable here (RFC 6750 §3.1 invalid_token); the message says why. */
export class InvalidToken extends Error {}

export function accessTokenVerifier(checks: AccessTokenChecks): (token: string) => Promise<VerifiedToken> {
  // Cached; fetched again when a token names a key it does not hold (after a rotation).
  const jwks = createRemoteJWKSet(new URL(`${checks.issuer}/jwks`));

  async function verifyJwt(token: string): Promise<VerifiedToken> {
    try {
      // RFC 9068 §4: typ at+jwt, the issuer, and this API among the audiences; exp is checked too.
      const { payload } = await jwtVerify(token, jwks, {
        typ: 'at+jwt',
        issuer: checks.issuer,
        audience: checks.audience,
        algorithms: ['RS256', 'ES256', 'EdDSA'],
      });
      return { format: 'jwt', sub: payload.sub, clientId: payload.client_id as string, scopes: scopesOf(payload.scope) };
    } catch (err) {
      if (err instanceof errors.JOSEError) throw new InvalidToken(`${err.code}: ${err.message}`);
      throw err;
    }
  }

  async function introspect(token: string): Promise<VerifiedToken> {
    if (!checks.introspection) throw new InvalidToken('opaque tokens need CLIENT_SECRET for introspection');
    const answer = await oidc.tokenIntrospection(checks.introspection, token);
    // RFC 7662 §2.2: inactive covers unknown, expired and revoked tokens alike.
    if (!answer.active) throw new InvalidToken('the token is not active');
    if (answer.iss !== undefined && answer.iss !== checks.issuer) throw new InvalidToken('the token is from another issuer');
    const audiences = answer.aud === undefined ? [] : Array.isArray(answer.aud) ? answer.aud : [answer.aud];
    if (!audiences.includes(checks.audience)) throw new InvalidToken('the token is for another audience');
    return { format: 'opaque', sub: answer.sub, clientId: answer.client_id, scopes: scopesOf(answer.scope) };
  }

  // A JWT has three dot-separated parts; anything else is a handle only the provider can read.
  return (token) => (token.split('.').length === 3 ? verifyJwt(token) : introspect(token));
}

function scopesOf(scope: unknown): string[] {
  return typeof scope === 'string' ? scope.split(' ').filter(Boolean) : [];
}
