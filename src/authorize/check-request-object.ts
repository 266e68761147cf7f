import { RequestNotSupported, RequestUriNotSupported } from '../protocol/oauth-errors.js';
import type { Params } from '../protocol/params.js';

/**
 * OIDC Core §6.1 and §6.2: this server does not process request objects (discovery says
 * request_parameter_supported and request_uri_parameter_supported are false), so it
 * answers with the dedicated errors of §3.1.2.6 rather than ignoring them.
 */
export function checkRequestObject(params: Params): void {
  if (params.request !== undefined) throw new RequestNotSupported('request objects (the request parameter) are not supported');
  if (params.request_uri !== undefined) throw new RequestUriNotSupported('the request_uri parameter is not supported');
}
