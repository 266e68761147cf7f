import type { AuditLog } from '../audit/audit-log.js';
import { GRANT_TOKEN_EXCHANGE, isPublicClient, type Client } from '../clients/client.js';
import { InvalidGrant, InvalidRequest, InvalidTarget, UnauthorizedClient } from '../protocol/oauth-errors.js';
import { requireParam, type Params } from '../protocol/params.js';
import { allowedResources, checkResource, type ResourcePolicy } from '../rules/resource.js';
import { narrowToGranted } from '../rules/scope.js';
import type { AccessTokenInfo } from '../tokens/access-token.js';
import type { AccessTokens } from '../tokens/access-tokens.js';
import type { Clock } from '../util/clock.js';
import type { GrantHandler } from './grant-handler.js';

/** RFC 8693 §3: token type identifiers. */
export const TOKEN_TYPE_ACCESS_TOKEN = 'urn:ietf:params:oauth:token-type:access_token';
const TOKEN_TYPE_JWT = 'urn:ietf:params:oauth:token-type:jwt';

export interface TokenExchangeOptions {
  accessTokens: Pick<AccessTokens, 'issue' | 'verify'>;
  /** The audiences tokens may have (config accessTokens). */
  resourcePolicy: ResourcePolicy;
  /** Impersonation (no actor_token) allowed (config tokenExchange.impersonation); off by default. */
  impersonation: boolean;
  /** Default lifetime of an exchanged token (config ttl.accessToken); never beyond the subject token's. */
  ttl: number;
  audit: Pick<AuditLog, 'record'>;
  clock: Clock;
}

/**
 * RFC 8693 token exchange, for a service that received a user's access token and calls
 * another service on the user's behalf. The subject token must be an active access token
 * this server issued, to the requesting client or for it (its audience names the client,
 * as introspection's visibility rule); with an actor_token (the client's own token) the new
 * token says who acts (`act`, §4.1: delegation); without one it is impersonation, off unless
 * the operator enables it. Only confidential clients whose grant_types name the grant.
 */
export function tokenExchangeGrant(options: TokenExchangeOptions): GrantHandler {
  return {
    grantType: GRANT_TOKEN_EXCHANGE,
    async handle({ params, client }) {
      if (isPublicClient(client)) throw new UnauthorizedClient('a public client cannot exchange tokens');
      // §2.1: requested_token_type; only access tokens are issued here.
      if (params.requested_token_type !== undefined && params.requested_token_type !== TOKEN_TYPE_ACCESS_TOKEN)
        throw new InvalidRequest(`requested_token_type ${params.requested_token_type} is not supported (access_token only)`);
      const subject = await activeToken(options, params, 'subject_token', client);
      if (!subject.userId) throw new InvalidGrant('subject_token names no end-user', `subject ${subject.sub}`);
      const actor = params.actor_token === undefined ? undefined : await activeToken(options, params, 'actor_token', client);
      if (actor && actor.clientId !== client.clientId)
        throw new InvalidGrant('actor_token was not issued to this client', `actor token of ${actor.clientId}`);
      // §2.1 actor_token_type: REQUIRED with actor_token, MUST NOT be there without it.
      if (!actor && params.actor_token_type !== undefined) throw new InvalidRequest('actor_token_type without actor_token');
      // §1.1: impersonation makes the client indistinguishable from the subject's own client.
      if (!actor && !options.impersonation)
        throw new InvalidRequest('actor_token is required: impersonation (a token exchange without an actor) is not enabled');
      const audience = checkTarget(params, allowedResources(client, options.resourcePolicy));
      // §2.1 scope: within the subject token's scope (RFC 6749 §3.3, never more), else invalid_scope.
      const scope = narrowToGranted(subject.scope, params.scope);
      const now = options.clock.nowSeconds();
      // The new token never outlives the one it was exchanged for.
      const ttl = Math.min(client.metadata.access_token_ttl ?? options.ttl, subject.exp - now);
      // §4.1: the current actor at the top, the subject token's own actors nested below it.
      const act = actor
        ? { sub: actor.sub, client_id: actor.clientId, ...(subject.extra.act ? { act: subject.extra.act } : {}) }
        : undefined;
      const issued = await options.accessTokens.issue({
        client,
        userId: subject.userId,
        scope,
        audience,
        // Revoking the user's grant reaches the exchanged token too.
        grantId: subject.grantId,
        ttl,
        extra: { ...subject.extra, ...(act ? { act } : {}) },
      });
      await options.audit.record({
        type: 'token.exchanged',
        clientId: client.clientId,
        userId: subject.userId,
        detail: { subject_client_id: subject.clientId, actor: actor?.sub ?? null, audience: audience ?? null, jti: issued.jti },
      });
      // §2.2.1: issued_token_type is required; token_type as RFC 6749 §5.1.
      return {
        access_token: issued.token,
        issued_token_type: TOKEN_TYPE_ACCESS_TOKEN,
        token_type: 'Bearer',
        expires_in: issued.expiresIn,
        ...(issued.scope ? { scope: issued.scope } : {}),
      };
    },
  } satisfies GrantHandler;
}

/** §2.1 subject_token / actor_token with their types: an active access token of this server, for this client. */
async function activeToken(options: TokenExchangeOptions, params: Params, name: 'subject_token' | 'actor_token', client: Client) {
  const token = requireParam(params, name);
  const type = requireParam(params, `${name}_type`);
  if (type !== TOKEN_TYPE_ACCESS_TOKEN && type !== TOKEN_TYPE_JWT)
    throw new InvalidRequest(`${name}_type ${type} is not supported (access tokens of this server only)`);
  const info = await options.accessTokens.verify(token);
  // §2.2.2: invalid, expired or revoked is invalid_grant.
  if (!info) throw new InvalidGrant(`${name} is invalid, expired or revoked`);
  if (type === TOKEN_TYPE_JWT && info.format !== 'jwt') throw new InvalidRequest(`${name} is not a JWT`);
  if (name === 'subject_token' && !mayExchange(info, client))
    throw new InvalidGrant('subject_token was neither issued to nor intended for this client', `token of ${info.clientId}`);
  return info;
}

/** A client may exchange a token issued to it, or one whose audience names it (it is the resource server that received it). */
function mayExchange(info: AccessTokenInfo, client: Client): boolean {
  if (info.clientId === client.clientId) return true;
  return (Array.isArray(info.aud) ? info.aud : [info.aud]).includes(client.clientId);
}

/** §2.1 resource and audience: where the new token is for; one of the client's allowed resources, else invalid_target. */
function checkTarget(params: Params, allowed: readonly string[]): string | undefined {
  const resource = checkResource(params, allowed);
  const audience = params.audience;
  if (audience === undefined) return resource;
  // §2.2.2: a target the server will not issue a token for is invalid_target.
  if (!allowed.includes(audience)) throw new InvalidTarget('audience is not a registered resource this client may use');
  if (resource !== undefined && resource !== audience) throw new InvalidTarget('resource and audience name different targets');
  return audience;
}
