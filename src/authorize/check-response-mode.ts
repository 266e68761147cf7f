import { InvalidRequest } from '../protocol/oauth-errors.js';
import type { Params } from '../protocol/params.js';
import type { ResponseMode } from './authorization-request.js';

export const RESPONSE_MODES: ResponseMode[] = ['query', 'fragment', 'form_post'];

/** The response mode to answer errors with: the requested one if known, else the code flow's default. */
export function responseModeFor(params: Params): ResponseMode {
  const mode = params.response_mode as ResponseMode | undefined;
  return mode && RESPONSE_MODES.includes(mode) ? mode : 'query';
}

/**
 * OAuth 2.0 Multiple Response Type Encoding Practices §2.1 and Form Post Response Mode §2:
 * query (the default for code), fragment and form_post; anything else is invalid_request.
 */
export function checkResponseMode(params: Params): ResponseMode {
  const mode = params.response_mode;
  if (mode !== undefined && !RESPONSE_MODES.includes(mode as ResponseMode))
    throw new InvalidRequest(`response_mode ${mode} is not supported`);
  return responseModeFor(params);
}
