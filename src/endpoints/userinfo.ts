import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { UserDirectory } from '../accounts/user-directory.js';
import type { ProviderMetadata } from '../protocol/provider-metadata.js';
import type { AccessTokens } from '../tokens/access-tokens.js';
import { InsufficientScope, InvalidDpopProof, InvalidRequest, InvalidToken } from '../protocol/oauth-errors.js';
import { formParams } from '../protocol/params.js';
import { userinfoClaims } from '../rules/release-policy.js';
import { bearerToken, dpopToken } from '../rules/bearer-token.js';
import { audienceIncludes } from '../rules/resource.js';
import { FORM_MEDIA_TYPE, mediaType } from '../rules/media-type.js';
import type { Dpop } from '../dpop/dpop-service.js';
import type { DpopProof } from '../dpop/dpop-proof.js';
import { readDpopProof } from '../dpop/read-dpop-proof.js';
import { asDpopChallenge, DPOP_CHALLENGE, DpopResourceError } from '../dpop/dpop-challenge.js';

export interface UserinfoOptions {
  issuer: string;
  metadata: ProviderMetadata;
  accessTokens: Pick<AccessTokens, 'verify'>;
  users: Pick<UserDirectory, 'findById'>;
  /** The audience of access tokens issued without a `resource` (config accessTokens.defaultAudience). */
  defaultAudience: string;
  /** DPoP (RFC 9449), when enabled: DPoP-bound tokens come with the DPoP scheme and a proof. */
  dpop?: Dpop;
}

const BEARER_CHALLENGE = 'Bearer realm="tessera"';

/** An access token as presented: its scheme says whether a DPoP proof must come with it. */
interface Presented {
  scheme: 'Bearer' | 'DPoP';
  token: string;
}

/** OIDC Core §5.3: the userinfo endpoint, GET or POST with a bearer or DPoP access token. */
export async function userinfoEndpoint(
  app: FastifyInstance,
  { issuer, metadata, accessTokens, users, defaultAudience, dpop }: UserinfoOptions,
): Promise<void> {
  const url = `${issuer}/userinfo`;
  metadata.set('userinfo_endpoint', url);
  // Userinfo is a resource of the issuer itself: tokens for it name the issuer, this endpoint,
  // or the audience tokens get when no resource was asked for.
  const ownAudiences = [issuer, url, defaultAudience];

  /** RFC 9449 §7.1: the proof of a DPoP request, checked with `ath`; a Bearer request has none. */
  const proofOf = async (request: FastifyRequest, presented: Presented): Promise<DpopProof | undefined> => {
    if (presented.scheme !== 'DPoP' || !dpop) return undefined;
    const proof = await readDpopProof(dpop, request, { url, accessToken: presented.token });
    if (!proof) throw new InvalidDpopProof('the DPoP scheme needs a DPoP proof header');
    return proof;
  };

  const answer = async (request: FastifyRequest, reply: FastifyReply, presented: Presented) => {
    const proof = await proofOf(request, presented);
    const info = await accessTokens.verify(presented.token);
    if (!info) throw new InvalidToken('the access token is invalid, expired or revoked');
    // RFC 9449 §7.2: a DPoP-bound token is no bearer token; the answer names both schemes.
    if (info.dpopJkt && !proof) {
      throw new DpopResourceError('invalid_token', 'the access token is DPoP-bound: send it with the DPoP scheme and a proof', {
        bearer: `${BEARER_CHALLENGE}, error="invalid_token"`,
      });
    }
    // RFC 9449 §7.1: the proof is made with the key the token is bound to.
    if (proof && info.dpopJkt !== proof.jkt) {
      throw new InvalidToken(
        info.dpopJkt ? 'the DPoP proof key is not the one the access token is bound to' : 'the access token is not DPoP-bound',
      );
    }
    // RFC 9700 §2.3, RFC 8707 §2: a token minted for another resource server is not for userinfo.
    if (!audienceIncludes(info.aud, ownAudiences)) throw new InvalidToken('the access token was issued for another audience');
    // A client_credentials token names no end-user: there is nobody to describe.
    if (!info.userId) throw new InvalidToken('the access token was not issued for an end-user');
    const scopes = info.scope.split(' ').filter(Boolean);
    // OIDC Core §5.3.3 / RFC 6750 §3.1: userinfo needs the openid scope.
    if (!scopes.includes('openid')) throw new InsufficientScope('the access token lacks the openid scope', 'openid');
    const user = await users.findById(info.userId);
    if (!user) throw new InvalidToken('the end-user of this access token no longer exists');
    if (user.disabledAt !== null) throw new InvalidToken('the end-user of this access token is disabled');
    // RFC 9449 §8.2: a fresh nonce with the answer, when nonces are required.
    if (proof && dpop?.requireNonce) reply.header('dpop-nonce', dpop.nonces.current());
    // §5.3.2: sub always; the claims of granted scopes (§5.4) and of the claims request (§5.5).
    const claims = userinfoClaims(user.claims, scopes, info.extra.userinfoClaims ?? []);
    // OIDC Core §5.3.2: the same sub as the ID token, the client's own (public or pairwise, §8).
    return reply.type('application/json').send({ ...claims, sub: info.sub });
  };

  const handler = async (request: FastifyRequest, reply: FastifyReply) => {
    reply.header('cache-control', 'no-store').header('pragma', 'no-cache');
    const presented = presentedToken(request, dpop !== undefined);
    if (presented === undefined) {
      // RFC 6750 §3.1: a request without any authentication gets the challenge, no error code;
      // RFC 9449 §7.1: with the DPoP scheme's too when DPoP is on.
      return reply
        .code(401)
        .header('www-authenticate', dpop ? `${BEARER_CHALLENGE}, ${DPOP_CHALLENGE}` : BEARER_CHALLENGE)
        .send();
    }
    if (presented.scheme === 'Bearer') return answer(request, reply, presented);
    try {
      return await answer(request, reply, presented);
    } catch (err) {
      // RFC 9449 §7.1: a request made with the DPoP scheme is answered with the DPoP challenge.
      throw asDpopChallenge(err);
    }
  };
  app.get('/userinfo', handler);
  app.post('/userinfo', handler);
}

/**
 * RFC 6750 §2.1 (Authorization: Bearer, scheme case-insensitive) or §2.2 (form body on POST);
 * RFC 9449 §7.1 Authorization: DPoP when DPoP is on. RFC 6750 §2: a client MUST NOT use more
 * than one method. The query form (§2.3) is not accepted.
 */
function presentedToken(request: FastifyRequest, dpopEnabled: boolean): Presented | undefined {
  const authorization = request.headers.authorization;
  const fromDpop = dpopEnabled ? dpopToken(authorization) : undefined;
  const fromHeader = fromDpop ?? bearerToken(authorization);
  const isForm = mediaType(request.headers['content-type']) === FORM_MEDIA_TYPE;
  const fromBody = request.method === 'POST' && isForm ? formParams(request).access_token : undefined;
  if (fromHeader !== undefined && fromBody !== undefined) {
    const err = new InvalidRequest('the access token was sent in more than one way (RFC 6750 §2)');
    err.headers['www-authenticate'] = `${BEARER_CHALLENGE}, error="invalid_request"`;
    throw err;
  }
  if (fromDpop !== undefined) return { scheme: 'DPoP', token: fromDpop };
  const token = fromHeader ?? fromBody;
  return token === undefined ? undefined : { scheme: 'Bearer', token };
}
