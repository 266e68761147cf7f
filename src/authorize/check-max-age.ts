import { InvalidRequest } from '../protocol/oauth-errors.js';
import type { Params } from '../protocol/params.js';

/** OIDC Core §3.1.2.1: max_age is a number of seconds (a non-negative integer). */
export function checkMaxAge(params: Params): number | undefined {
  if (params.max_age === undefined) return undefined;
  if (!/^\d{1,10}$/.test(params.max_age)) throw new InvalidRequest('max_age must be a non-negative whole number of seconds');
  return Number(params.max_age);
}
