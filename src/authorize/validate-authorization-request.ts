import type { Client } from '../clients/client.js';
import type { VerificationKeys } from '../jose/verify-own.js';
import type { Clock } from '../util/clock.js';
import type { AuthorizationRequest, RedirectTarget } from './authorization-request.js';
import type { RawAuthorizationParams } from './read-params.js';
import { checkResponseMode } from './check-response-mode.js';
import { checkRepeated } from './check-repeated.js';
import { checkRequestObject } from './check-request-object.js';
import { checkResponseType } from './check-response-type.js';
import { checkPrompt } from './check-prompt.js';
import { allowedScopes, narrowToAllowed, type KnownScopes } from '../rules/scope.js';
import { checkCodeChallenge, type PkceSettings } from '../rules/pkce.js';
import { checkMaxAge } from './check-max-age.js';
import { checkClaims } from './check-claims.js';
import { authorizedClaimsRequest } from '../rules/release-policy.js';
import { allowedResources, checkResources, type ResourcePolicy } from '../rules/resource.js';
import { checkRequestedSubject } from './check-requested-subject.js';
import { checkIdTokenHint } from './check-id-token-hint.js';
import { checkDpopJktParam } from '../dpop/dpop-jkt-param.js';
import { checkPushedRequired, checkSignedRequired, type RequestPolicy } from './check-request-policy.js';
import { checkFapiAuthorizationRequest, FAPI_PKCE, fapiApplies, type FapiSettings } from '../rules/fapi-profile.js';
import type { ResponseMode } from './authorization-request.js';
import { uiLocalesList } from '../i18n/negotiate-language.js';

export interface ValidationDeps {
  issuer: string;
  /** Scopes this provider knows. */
  scopes: KnownScopes;
  pkce: PkceSettings;
  /** The audiences access tokens may have (config accessTokens). */
  resourcePolicy: ResourcePolicy;
  /** To verify an id_token_hint. */
  keys: VerificationKeys;
  /** Whether DPoP is on (config dpop.enabled): `dpop_jkt` is read only then (RFC 9449 §10). */
  dpopEnabled?: boolean;
  clock: Clock;
  /** PAR and signed request objects required (config `par.required`, `requestObjects.required`). */
  requestPolicy: RequestPolicy;
  fapi: FapiSettings;
  /** The response modes offered (the JARM ones only when `jarm.enabled`). */
  responseModes: readonly ResponseMode[];
}

/** Where the parameters came from (resolve-request.ts). */
export interface RequestSource {
  /** From /par (RFC 9126), or being validated at /par. */
  pushed: boolean;
  /** From a verified request object (RFC 9101). */
  signed: boolean;
}

/**
 * The checks that may be answered at the redirect URI (RFC 6749 §4.1.2.1), in the order of
 * the specs. The client and redirect URI were checked before: `target` is trusted.
 */
export async function validateAuthorizationRequest(
  deps: ValidationDeps,
  client: Client,
  raw: RawAuthorizationParams,
  target: RedirectTarget & { sent: string },
  source: RequestSource,
): Promise<AuthorizationRequest> {
  const { params } = raw;
  const responseMode = checkResponseMode(params, deps.responseModes);
  checkRepeated(raw.repeated);
  checkRequestObject(params);
  checkPushedRequired(client, deps.requestPolicy, source.pushed);
  if (!source.pushed) checkSignedRequired(client, deps.requestPolicy, source.signed);
  const fapi = fapiApplies(client, deps.fapi);
  checkFapiAuthorizationRequest(client, deps.fapi, source.pushed, target.redirectUri);
  checkResponseType(client, params);
  const prompt = checkPrompt(params);
  const allowed = allowedScopes(client, deps.scopes);
  const scopes = narrowToAllowed(params.scope, client, allowed, prompt);
  const pkce = checkCodeChallenge(client, params, fapi ? FAPI_PKCE : deps.pkce);
  const maxAge = checkMaxAge(params);
  // OIDC Core §5.5: the claims request only narrows and shapes what the client may have.
  const claimsRequest = checkClaims(params);
  const claims = authorizedClaimsRequest(claimsRequest, allowed);
  const resource = checkResources(raw.resources ?? [], allowedResources(client, deps.resourcePolicy));
  const hintSub = await checkIdTokenHint(deps.keys, deps.issuer, params, deps.clock.nowSeconds());
  const expectedSub = checkRequestedSubject(hintSub, claimsRequest);
  const dpopJkt = checkDpopJktParam(params, deps.dpopEnabled === true);
  return {
    clientId: client.clientId,
    clientName: client.metadata.client_name,
    redirectUri: target.redirectUri,
    redirectUriParam: target.sent,
    responseMode,
    state: params.state,
    scopes,
    nonce: params.nonce,
    ...pkce,
    prompt,
    maxAge,
    loginHint: params.login_hint,
    uiLocales: uiLocalesList(params.ui_locales).join(' ') || undefined,
    expectedSub,
    // OIDC Core §3.1.2.1: voluntary; required-assurance.ts weighs them.
    acrValues: params.acr_values,
    claims,
    resource,
    dpopJkt,
    requestedAt: deps.clock.nowSeconds(),
    ...(fapi ? { fapi: true } : {}),
  };
}
