import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { UserDirectory } from '../accounts/user-directory.js';
import type { ProviderMetadata } from '../protocol/provider-metadata.js';
import type { AccessTokens } from '../tokens/access-tokens.js';
import { InsufficientScope, InvalidRequest, InvalidToken } from '../protocol/oauth-errors.js';
import { formParams } from '../protocol/params.js';
import { userinfoClaims } from '../rules/release-policy.js';
import { bearerToken } from '../rules/bearer-token.js';
import { audienceIncludes } from '../rules/resource.js';
import { FORM_MEDIA_TYPE, mediaType } from '../rules/media-type.js';

export interface UserinfoOptions {
  issuer: string;
  metadata: ProviderMetadata;
  accessTokens: Pick<AccessTokens, 'verify'>;
  users: Pick<UserDirectory, 'findById'>;
  /** The audience of access tokens issued without a `resource` (config accessTokens.defaultAudience). */
  defaultAudience: string;
}

/** OIDC Core §5.3: the userinfo endpoint, GET or POST with a bearer access token. */
export async function userinfoEndpoint(
  app: FastifyInstance,
  { issuer, metadata, accessTokens, users, defaultAudience }: UserinfoOptions,
): Promise<void> {
  metadata.set('userinfo_endpoint', `${issuer}/userinfo`);
  // Userinfo is a resource of the issuer itself: tokens for it name the issuer, this endpoint,
  // or the audience tokens get when no resource was asked for.
  const ownAudiences = [issuer, `${issuer}/userinfo`, defaultAudience];

  const handler = async (request: FastifyRequest, reply: FastifyReply) => {
    reply.header('cache-control', 'no-store').header('pragma', 'no-cache');
    const token = presentedToken(request);
    if (token === undefined) {
      // RFC 6750 §3.1: a request without any authentication gets the challenge, no error code.
      return reply.code(401).header('www-authenticate', 'Bearer realm="tessera"').send();
    }
    const info = await accessTokens.verify(token);
    if (!info) throw new InvalidToken('the access token is invalid, expired or revoked');
    // RFC 9700 §2.3, RFC 8707 §2: a token minted for another resource server is not for userinfo.
    if (!audienceIncludes(info.aud, ownAudiences)) throw new InvalidToken('the access token was issued for another audience');
    // A client_credentials token names no end-user: there is nobody to describe.
    if (!info.userId) throw new InvalidToken('the access token was not issued for an end-user');
    const scopes = info.scope.split(' ').filter(Boolean);
    // OIDC Core §5.3.3 / RFC 6750 §3.1: userinfo needs the openid scope.
    if (!scopes.includes('openid')) throw new InsufficientScope('the access token lacks the openid scope', 'openid');
    const user = await users.findById(info.userId);
    if (!user) throw new InvalidToken('the end-user of this access token no longer exists');
    // §5.3.2: sub always; the claims of granted scopes (§5.4) and of the claims request (§5.5).
    const claims = userinfoClaims(user.claims, scopes, info.extra.userinfoClaims ?? []);
    // OIDC Core §5.3.2: the same sub as the ID token, the client's own (public or pairwise, §8).
    return reply.type('application/json').send({ ...claims, sub: info.sub });
  };
  app.get('/userinfo', handler);
  app.post('/userinfo', handler);
}

/**
 * RFC 6750 §2.1 (Authorization: Bearer, scheme case-insensitive) or §2.2 (form body on POST).
 * §2: a client MUST NOT use more than one method. The query form (§2.3) is not accepted.
 */
function presentedToken(request: FastifyRequest): string | undefined {
  const fromHeader = bearerToken(request.headers.authorization);
  const isForm = mediaType(request.headers['content-type']) === FORM_MEDIA_TYPE;
  const fromBody = request.method === 'POST' && isForm ? formParams(request).access_token : undefined;
  if (fromHeader !== undefined && fromBody !== undefined) {
    const err = new InvalidRequest('the access token was sent in more than one way (RFC 6750 §2)');
    err.headers['www-authenticate'] = 'Bearer realm="tessera", error="invalid_request"';
    throw err;
  }
  return fromHeader ?? fromBody;
}
