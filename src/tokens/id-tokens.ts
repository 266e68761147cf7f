import type { Client } from '../clients/client.js';
import type { KeySet } from '../keys/key-set.js';
import type { User } from '../accounts/user.js';
import type { SubjectIdentifiers } from '../accounts/subject-for-client.js';
import type { UserDirectory } from '../accounts/user-directory.js';
import { idTokenClaims } from '../rules/release-policy.js';
import type { Clock } from '../util/clock.js';
import type { ClaimsRequest } from '../storage/ports.js';
import { tokenHash } from './token-hash.js';
import { signJwt } from '../jose/sign.js';
import { signingKeyFor } from '../jose/signing-key-for.js';

/** What a grant knows when it issues an ID token (OIDC Core §2, §3.1.3.3). */
export interface IdTokenRequest {
  client: Client;
  /** The end-user's `sub`. */
  userId: string;
  /** Granted scopes, space-separated. */
  scope: string;
  /** When the end-user authenticated (epoch seconds); always included (§2 auth_time). */
  authTime: number;
  /** Only on the first ID token of an authorization; never on refresh (§12.2). */
  nonce?: string;
  acr?: string;
  amr?: string[];
  sid?: string;
  /** The access token issued alongside, for `at_hash` (§3.1.3.6). */
  accessToken?: string;
  /** OIDC Core §5.5 claims request; its `id_token` member's claims go in the token. */
  claimsRequest?: ClaimsRequest;
  /** The user when the caller already loaded it (saves a lookup). */
  user?: User;
}

export interface IdTokensOptions {
  issuer: string;
  /** Lifetime in seconds (config ttl.idToken). */
  ttl: number;
  /** Put the claims of granted scopes in the ID token too (config idTokens.includeScopeClaims). */
  includeScopeClaims: boolean;
  keys: KeySet;
  users: UserDirectory;
  /** The `sub` the client sees (public or pairwise, OIDC Core §8). */
  subjects: Pick<SubjectIdentifiers, 'forClient'>;
  clock: Clock;
}

/** Issues signed ID tokens (OIDC Core §2), with the algorithm the client registered. */
export class IdTokens {
  constructor(private readonly options: IdTokensOptions) {}

  async issue(request: IdTokenRequest): Promise<string> {
    const { client } = request;
    const key = await signingKeyFor(this.options.keys, client.metadata.id_token_signed_response_alg);
    const user = request.user ?? (await this.options.users.findById(request.userId));
    const scopes = request.scope.split(' ').filter(Boolean);
    const userClaims = idTokenClaims(user?.claims ?? {}, scopes, request.claimsRequest, this.options.includeScopeClaims);
    const now = this.options.clock.nowSeconds();
    return signJwt(key, 'JWT', {
      ...userClaims,
      // §2: auth_time is always included, so that max_age and prompt=login can be checked.
      auth_time: request.authTime,
      nonce: request.nonce || undefined,
      acr: request.acr || undefined,
      amr: request.amr && request.amr.length > 0 ? request.amr : undefined,
      sid: request.sid || undefined,
      // §3.1.3.6: at_hash of the access token issued with this ID token.
      at_hash: request.accessToken ? tokenHash(request.accessToken, key.alg) : undefined,
      // §2 azp is needed only with several audiences; ours is always the client alone.
      iss: this.options.issuer,
      sub: this.options.subjects.forClient(client, request.userId),
      aud: client.clientId,
      iat: now,
      exp: now + this.options.ttl,
    });
  }
}
