import { InvalidRequest } from '../protocol/oauth-errors.js';
import type { Params } from '../protocol/params.js';

export const PROMPT_VALUES = ['none', 'login', 'consent', 'select_account'];

/**
 * OIDC Core §3.1.2.1: prompt is a space-separated list of none, login, consent and
 * select_account; `none` must stand alone.
 */
export function checkPrompt(params: Params): string[] {
  if (params.prompt === undefined) return [];
  const values = [...new Set(params.prompt.split(' ').filter(Boolean))];
  const unknown = values.find((v) => !PROMPT_VALUES.includes(v));
  if (unknown) throw new InvalidRequest(`prompt value ${unknown} is not supported`);
  // §3.1.2.1: "If this parameter contains none with any other value, an error is returned."
  if (values.includes('none') && values.length > 1) throw new InvalidRequest('prompt=none cannot be combined with other values');
  return values;
}
