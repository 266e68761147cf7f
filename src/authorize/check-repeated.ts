import { InvalidRequest } from '../protocol/oauth-errors.js';

/** RFC 6749 §3.1: request parameters must not be included more than once. */
export function checkRepeated(repeated: string[]): void {
  if (repeated.length > 0) throw new InvalidRequest(`parameter ${repeated[0]} must not be repeated`);
}
