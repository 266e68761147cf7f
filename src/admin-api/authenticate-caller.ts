import type { FastifyRequest } from 'fastify';
import type { UserDirectory } from '../accounts/user-directory.js';
import type { Dpop } from '../dpop/dpop-service.js';
import { DPOP_CHALLENGE, DpopResourceError, asDpopChallenge } from '../dpop/dpop-challenge.js';
import { readDpopProof } from '../dpop/read-dpop-proof.js';
import { InsufficientScope, InvalidDpopProof, InvalidToken } from '../protocol/oauth-errors.js';
import { ADMIN_READ, ADMIN_ROLE, ADMIN_WRITE, adminApiResource } from '../rules/admin-scopes.js';
import { bearerToken, dpopToken } from '../rules/bearer-token.js';
import { audienceIncludes } from '../rules/resource.js';
import type { AccessTokens } from '../tokens/access-tokens.js';
import { Problem } from './problem.js';

/** Who calls the admin API: a person through an app (the console), or a program by itself. */
export interface AdminCaller {
  /** `user:<id>` or `client:<client_id>`: the audit trail's actor. */
  actor: string;
  clientId: string;
  userId?: string;
  scopes: string[];
}

export interface AuthenticateCallerOptions {
  issuer: string;
  accessTokens: Pick<AccessTokens, 'verify'>;
  users: Pick<UserDirectory, 'findById'>;
  dpop?: Dpop;
}

const BEARER_CHALLENGE = 'Bearer realm="tessera"';

/**
 * The admin API as an OAuth protected resource (RFC 6750, RFC 9449 like /userinfo): an active
 * access token (revocation and grant checked) whose audience is the admin API, with admin:read
 * for reading and admin:write for changes, and, for a person's token, a person who is still
 * enabled and still holds the admin role. Returns the caller, or throws 401/403.
 */
export function callerAuthentication(options: AuthenticateCallerOptions): (request: FastifyRequest) => Promise<AdminCaller> {
  // The admin API's RFC 8707 resource indicator: the audience its tokens carry.
  const resource = adminApiResource(options.issuer).identifier;
  const check = async (request: FastifyRequest, scheme: 'Bearer' | 'DPoP', token: string): Promise<AdminCaller> => {
    // RFC 9449 §4.3: htu is the request's URI without query, at the issuer's address.
    const url = `${options.issuer}${request.url.split('?')[0]}`;
    const proof = scheme === 'DPoP' && options.dpop ? await readDpopProof(options.dpop, request, { url, accessToken: token }) : undefined;
    if (scheme === 'DPoP' && !proof) throw new InvalidDpopProof('the DPoP scheme needs a DPoP proof header');
    const info = await options.accessTokens.verify(token);
    if (!info) throw new InvalidToken('the access token is invalid, expired or revoked');
    // RFC 9449 §7.2: a DPoP-bound token is no bearer token.
    if (info.dpopJkt && !proof)
      throw new DpopResourceError('invalid_token', 'the access token is DPoP-bound: send it with the DPoP scheme and a proof', {
        bearer: `${BEARER_CHALLENGE}, error="invalid_token"`,
      });
    if (proof && info.dpopJkt !== proof.jkt) throw new InvalidToken('the DPoP proof key is not the one the access token is bound to');
    // RFC 8707 §2, RFC 9068 §4: only tokens minted for the admin API.
    if (!audienceIncludes(info.aud, [resource])) throw new InvalidToken('the access token was not issued for the admin API');
    const scopes = info.scope.split(' ').filter(Boolean);
    // RFC 6750 §3.1: reading needs admin:read, anything else admin:write.
    const needed = request.method === 'GET' || request.method === 'HEAD' ? ADMIN_READ : ADMIN_WRITE;
    if (!scopes.includes(needed)) throw new InsufficientScope(`this request needs the ${needed} scope`, needed);
    if (info.userId === undefined) return { actor: `client:${info.clientId}`, clientId: info.clientId, scopes };
    const user = await options.users.findById(info.userId);
    if (!user || user.disabledAt !== null) throw new InvalidToken('the person of this access token is gone or disabled');
    if (!user.roles.includes(ADMIN_ROLE)) throw new Problem(403, 'the person of this access token is not an administrator');
    return { actor: `user:${user.id}`, clientId: info.clientId, userId: user.id, scopes };
  };

  return async (request) => {
    const authorization = request.headers.authorization;
    const fromDpop = options.dpop ? dpopToken(authorization) : undefined;
    const fromBearer = fromDpop === undefined ? bearerToken(authorization) : undefined;
    if (fromDpop === undefined && fromBearer === undefined) {
      // RFC 6750 §3.1: no credentials, a challenge without an error code.
      const challenge = options.dpop ? `${BEARER_CHALLENGE}, ${DPOP_CHALLENGE}` : BEARER_CHALLENGE;
      throw new Problem(
        401,
        'send an access token for the admin API: Authorization: Bearer <token>',
        {},
        { 'www-authenticate': challenge },
      );
    }
    if (fromDpop === undefined) return check(request, 'Bearer', fromBearer as string);
    try {
      return await check(request, 'DPoP', fromDpop);
    } catch (err) {
      throw asDpopChallenge(err);
    }
  };
}
