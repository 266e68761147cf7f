import type { FastifyRequest } from 'fastify';
import { InvalidToken } from '../protocol/oauth-errors.js';
import type { InitialAccessTokens } from './initial-access-tokens.js';
import { bearerToken } from '../rules/bearer-token.js';

/**
 * RFC 7591 §3: the registration endpoint may require an initial access token. With
 * `required` every request must carry a valid one; with `optional` (open registration)
 * none is needed, but one that is presented must still be valid. Returns whether the caller
 * presented a valid token.
 */
export async function checkInitialAccessToken(
  request: FastifyRequest,
  tokens: Pick<InitialAccessTokens, 'isValid'>,
  policy: 'required' | 'optional',
): Promise<boolean> {
  const token = bearerToken(request.headers.authorization);
  if (token === undefined) {
    if (request.headers.authorization !== undefined)
      throw new InvalidToken('the Authorization header must be: Bearer <initial access token>');
    if (policy === 'required') throw new InvalidToken('registration requires an initial access token');
    return false;
  }
  // RFC 6750 §3.1: an unknown or expired token is invalid_token with status 401.
  if (!(await tokens.isValid(token))) throw new InvalidToken('the initial access token is not valid or has expired');
  return true;
}
