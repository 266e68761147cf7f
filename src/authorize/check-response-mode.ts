import { InvalidRequest } from '../protocol/oauth-errors.js';
import type { Params } from '../protocol/params.js';
import type { ResponseMode } from './authorization-request.js';

export const RESPONSE_MODES: ResponseMode[] = ['query', 'fragment', 'form_post'];

/** JARM §2.3: the JWT-secured modes; `jwt` alone is named for discovery and means query.jwt for code (§2.3.4). */
export const JWT_RESPONSE_MODES: ResponseMode[] = ['query.jwt', 'fragment.jwt', 'form_post.jwt'];

/** What discovery lists as response_modes_supported. */
export function advertisedResponseModes(jarm: boolean): string[] {
  return jarm ? [...RESPONSE_MODES, 'jwt', ...JWT_RESPONSE_MODES] : [...RESPONSE_MODES];
}

/** The modes a request may name, given whether JARM is on. */
export function offeredResponseModes(jarm: boolean): ResponseMode[] {
  return jarm ? [...RESPONSE_MODES, ...JWT_RESPONSE_MODES] : [...RESPONSE_MODES];
}

/** JARM §2.3.4: `jwt` is the default mode of the response type, JWT-secured: query.jwt for code. */
function normalise(mode: string | undefined): string | undefined {
  return mode === 'jwt' ? 'query.jwt' : mode;
}

/** The response mode to answer errors with: the requested one if known, else the code flow's default. */
export function responseModeFor(params: Params, offered: readonly ResponseMode[] = RESPONSE_MODES): ResponseMode {
  const mode = normalise(params.response_mode) as ResponseMode | undefined;
  return mode && offered.includes(mode) ? mode : 'query';
}

/**
 * OAuth 2.0 Multiple Response Type Encoding Practices §2.1, Form Post Response Mode §2 and
 * JARM §2.3: query (the default for code), fragment, form_post and, with JARM, their JWT
 * variants; anything else is invalid_request.
 */
export function checkResponseMode(params: Params, offered: readonly ResponseMode[] = RESPONSE_MODES): ResponseMode {
  const mode = normalise(params.response_mode);
  if (mode !== undefined && !offered.includes(mode as ResponseMode))
    throw new InvalidRequest(`response_mode ${params.response_mode} is not supported`);
  return responseModeFor(params, offered);
}
