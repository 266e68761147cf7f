import { hashToken } from '../util/hashing.js';
import { randomToken } from '../util/random.js';

/** RFC 9126 §2.2: the URN prefix of a request_uri handed out by the PAR endpoint. */
export const PUSHED_REQUEST_URI_PREFIX = 'urn:ietf:params:oauth:request_uri:';

/** A new request_uri: 256 random bits behind the prefix (RFC 9126 §7.1: not guessable). */
export function newPushedRequestUri(): string {
  return `${PUSHED_REQUEST_URI_PREFIX}${randomToken(32)}`;
}

export function isPushedRequestUri(value: string): boolean {
  return value.startsWith(PUSHED_REQUEST_URI_PREFIX);
}

/** What the store keeps: the hash only, as for codes (a database reader cannot replay it). */
export function pushedRequestUriHash(requestUri: string): string {
  return hashToken(requestUri);
}
