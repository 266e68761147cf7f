import type { Client } from '../clients/client.js';
import { InvalidRequestUri } from '../protocol/oauth-errors.js';
import type { PushedRequestsStore } from '../storage/ports.js';
import type { Clock } from '../util/clock.js';
import { fapiApplies, type FapiSettings } from '../rules/fapi-profile.js';
import { isPushedRequestUri, pushedRequestUriHash } from './pushed-request-uri.js';
import { resourcesOf, type RawAuthorizationParams } from './read-params.js';
import { verifyRequestObject, type RequestObjectDeps } from './verify-request-object.js';

export interface ResolveRequestDeps extends RequestObjectDeps {
  clock: Clock;
  /** Pushed requests (RFC 9126); absent when `par.enabled` is off. */
  pushedRequests?: Pick<PushedRequestsStore, 'consume'>;
  /** `requestObjects.enabled`: the request parameter is processed (RFC 9101). */
  requestObjects: boolean;
  fapi: FapiSettings;
}

/** The parameters the steps validate, and where they came from. */
export interface ResolvedRequest {
  raw: RawAuthorizationParams;
  /** Taken from a request pushed to /par (RFC 9126 §4), where it was validated and, if required, signed. */
  pushed: boolean;
  /** Taken from a verified request object (RFC 9101). */
  signed: boolean;
}

/**
 * Where the authorization request's parameters come from (RFC 9126 §4, RFC 9101 §6): a
 * pushed request named by `request_uri`, used once and only by the client that pushed it; a
 * signed `request` object; or the query itself. In the first two cases every other query
 * parameter is ignored, client_id aside. A request_uri that is not ours, or a request object
 * while they are off, stays in the parameters for check-request-object.ts to refuse.
 */
export async function resolveRequest(deps: ResolveRequestDeps, client: Client, raw: RawAuthorizationParams): Promise<ResolvedRequest> {
  const { params } = raw;
  const now = deps.clock.nowSeconds();
  if (params.request_uri !== undefined && deps.pushedRequests && isPushedRequestUri(params.request_uri)) {
    // RFC 9126 §4: single use, bound to the client, short-lived; anything else is invalid_request_uri.
    const pushed = await deps.pushedRequests.consume(pushedRequestUriHash(params.request_uri), client.clientId, now);
    if (!pushed) throw new InvalidRequestUri('the request_uri is unknown, expired, already used, or was pushed by another client');
    return {
      raw: { params: { ...pushed.params, client_id: client.clientId }, repeated: [], resources: resourcesOf(pushed.params) },
      pushed: true,
      signed: false,
    };
  }
  if (params.request !== undefined && params.request_uri === undefined && deps.requestObjects) {
    const fapi = fapiApplies(client, deps.fapi);
    const fromObject = await verifyRequestObject(deps, client, params.request, now, { fapi });
    return { raw: { params: fromObject, repeated: [], resources: resourcesOf(fromObject) }, pushed: false, signed: true };
  }
  return { raw, pushed: false, signed: false };
}
