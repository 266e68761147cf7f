import type { FastifyInstance } from 'fastify';
import type { SubjectIdentifiers } from '../accounts/subject-for-client.js';
import type { UserDirectory } from '../accounts/user-directory.js';
import type { User } from '../accounts/user.js';
import type { ClientAuthenticator } from '../client-auth/authenticate-client.js';
import { isPublicClient, type Client } from '../clients/client.js';
import { ASSERTION_ALGORITHMS } from '../jose/algorithms.js';
import { InvalidClient } from '../protocol/oauth-errors.js';
import { formParams, requireParam } from '../protocol/params.js';
import type { ProviderMetadata } from '../protocol/provider-metadata.js';
import { findToken, type FoundToken, type TokenSources } from '../tokens/find-token.js';

export interface IntrospectOptions {
  issuer: string;
  metadata: ProviderMetadata;
  clientAuth: Pick<ClientAuthenticator, 'authenticate'>;
  tokenSources: TokenSources;
  users: Pick<UserDirectory, 'findById'>;
  /** The `sub` of a refresh token's client (public or pairwise, OIDC Core §8). */
  subjects: Pick<SubjectIdentifiers, 'forClientId' | 'isPairwise'>;
}

/**
 * RFC 7662 token introspection. Callers must authenticate as confidential clients.
 *
 * Visibility rule: a client sees a token issued to it (its `client_id`), or an access token
 * whose audience includes its `client_id` (a resource server registered as a client under
 * the URI it uses as `resource`). Any other token answers `{"active": false}`, exactly as an
 * unknown one would (§2.2), so a caller learns nothing about tokens that are not its business.
 */
export async function introspectEndpoint(app: FastifyInstance, options: IntrospectOptions): Promise<void> {
  const { issuer, metadata, clientAuth, tokenSources } = options;
  const url = `${issuer}/introspect`;
  metadata.set('introspection_endpoint', url);
  metadata.set('introspection_endpoint_auth_signing_alg_values_supported', ASSERTION_ALGORITHMS);

  app.post('/introspect', async (request, reply) => {
    // §2.1: POST with form parameters.
    const params = formParams(request);
    // §2.1: the endpoint MUST require authorization; a public client has no credential to show.
    const client = await clientAuth.authenticate(request, params, url);
    if (isPublicClient(client)) throw new InvalidClient('introspection requires client authentication', `public client ${client.clientId}`);
    const token = requireParam(params, 'token');
    const found = await findToken(tokenSources, token, params.token_type_hint);
    reply.header('cache-control', 'no-store').header('pragma', 'no-cache');
    // §2.2: anything inactive or not visible is {"active": false} and nothing more.
    if (!found || !visibleTo(found, client)) return { active: false };
    const user = await userOf(options.users, found);
    // A token of a disabled or deleted end-user is inactive, whatever its own state.
    if (user === null) return { active: false };
    return describe(options, found, user?.username);
  });
}

function visibleTo(found: FoundToken, client: Client): boolean {
  if (found.clientId === client.clientId) return true;
  if (found.type !== 'access_token') return false;
  const aud = found.info.aud;
  return Array.isArray(aud) ? aud.includes(client.clientId) : aud === client.clientId;
}

/** The token's end-user; undefined for a token without one (client_credentials), null when they are gone or disabled. */
async function userOf(users: Pick<UserDirectory, 'findById'>, found: FoundToken): Promise<User | null | undefined> {
  const userId = found.type === 'access_token' ? found.info.userId : found.record.userId;
  if (!userId) return undefined;
  const user = await users.findById(userId);
  return user && user.disabledAt === null ? user : null;
}

/** §2.2: the members of an active token's description. */
async function describe(options: IntrospectOptions, found: FoundToken, username: string | undefined): Promise<Record<string, unknown>> {
  const iss = options.issuer;
  // OIDC Core §8: a pairwise client's tokens name no account; a username would tie its sub to other sectors'.
  const named = username === undefined || (await options.subjects.isPairwise(found.clientId)) ? {} : { username };
  if (found.type === 'access_token') {
    const { info } = found;
    return {
      active: true,
      ...(info.scope ? { scope: info.scope } : {}),
      client_id: info.clientId,
      ...named,
      // RFC 9449 §6.2: a DPoP-bound token says so, with the key's thumbprint in cnf.
      token_type: info.dpopJkt ? 'DPoP' : 'Bearer',
      ...(info.dpopJkt ? { cnf: { jkt: info.dpopJkt } } : {}),
      exp: info.exp,
      iat: info.iat,
      sub: info.sub,
      aud: info.aud,
      // RFC 8693 §4.1 / §4.4: an exchanged token says who acts.
      ...(info.extra.act ? { act: info.extra.act } : {}),
      iss,
      jti: info.jti,
    };
  }
  const { record } = found;
  return {
    active: true,
    ...(record.scope ? { scope: record.scope } : {}),
    client_id: record.clientId,
    ...named,
    token_type: 'refresh_token',
    ...(record.dpopJkt ? { cnf: { jkt: record.dpopJkt } } : {}),
    exp: record.expiresAt,
    iat: record.createdAt,
    sub: await options.subjects.forClientId(record.clientId, record.userId),
    iss,
  };
}
