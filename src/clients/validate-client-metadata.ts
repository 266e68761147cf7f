import { InvalidClientMetadata, InvalidRedirectUri } from '../protocol/oauth-errors.js';
import { isScopeList } from '../rules/scope.js';
import { ADMIN_SCOPES, isAdminScope } from '../rules/admin-scopes.js';
import {
  GRANT_AUTHORIZATION_CODE,
  GRANT_CLIENT_CREDENTIALS,
  GRANT_TOKEN_EXCHANGE,
  SUPPORTED_AUTH_METHODS,
  SUPPORTED_GRANT_TYPES,
  SUPPORTED_RESPONSE_TYPES,
  type ClientMetadata,
} from './client.js';
import {
  ASSERTION_ALGORITHMS,
  DEFAULT_SIGNING_ALGORITHM,
  isSigningAlgorithm,
  REQUEST_OBJECT_ALGORITHMS,
  SIGNING_ALGORITHMS,
} from '../jose/algorithms.js';
import { sectorIdentifier } from '../accounts/subject-for-client.js';

/**
 * Validates and normalises client metadata on every path (config, CLI, registration).
 * Throws `invalid_redirect_uri` or `invalid_client_metadata` (RFC 7591 §3.2.2).
 */
export interface ValidationOptions {
  /** Dev mode's demo clients only: accept http redirect URIs on any host, as the walkthrough uses. */
  allowInsecureHttp?: boolean;
  /** The scopes the provider offers: `scope` must stay within them (RFC 7591 §2). */
  knownScopes?: ReadonlySet<string>;
  /** The registered resources (config accessTokens.resources): `resources` must stay within them. */
  resources?: readonly string[];
  /** Whether pairwise subject identifiers are offered (config subjects.pairwise); absent: yes. */
  pairwiseSubjects?: boolean;
}

export function validateClientMetadata(input: Record<string, unknown>, options: ValidationOptions = {}): ClientMetadata {
  const clientId = input.client_id;
  if (typeof clientId !== 'string' || !/^[\x21-\x7E]{1,200}$/.test(clientId)) {
    throw new InvalidClientMetadata('client_id must be 1 to 200 visible ASCII characters');
  }
  const grantTypes = stringArray(input, 'grant_types') ?? [GRANT_AUTHORIZATION_CODE];
  const responseTypes = stringArray(input, 'response_types') ?? (grantTypes.includes(GRANT_AUTHORIZATION_CODE) ? ['code'] : []);
  for (const g of grantTypes) {
    if (!SUPPORTED_GRANT_TYPES.includes(g)) throw new InvalidClientMetadata(`grant type ${g} is not supported`);
  }
  for (const r of responseTypes) {
    if (!SUPPORTED_RESPONSE_TYPES.includes(r)) throw new InvalidClientMetadata(`response type ${r} is not supported`);
  }
  // RFC 7591 §2.1: grant_types and response_types must agree.
  if (responseTypes.includes('code') !== grantTypes.includes(GRANT_AUTHORIZATION_CODE)) {
    throw new InvalidClientMetadata('response type code and grant type authorization_code go together');
  }

  const method = optionalString(input, 'token_endpoint_auth_method') ?? 'client_secret_basic';
  if (!SUPPORTED_AUTH_METHODS.includes(method)) throw new InvalidClientMetadata(`token_endpoint_auth_method ${method} is not supported`);
  if (method === 'none' && grantTypes.includes(GRANT_CLIENT_CREDENTIALS)) {
    throw new InvalidClientMetadata('a public client (token_endpoint_auth_method none) cannot use client_credentials');
  }
  if (method === 'none' && grantTypes.includes(GRANT_TOKEN_EXCHANGE)) {
    throw new InvalidClientMetadata('a public client (token_endpoint_auth_method none) cannot use token exchange');
  }

  const applicationType = optionalString(input, 'application_type') ?? 'web';
  if (applicationType !== 'web' && applicationType !== 'native') throw new InvalidClientMetadata('application_type must be web or native');

  const redirectUris = stringArray(input, 'redirect_uris') ?? [];
  for (const uri of redirectUris) checkRedirectUri(uri, 'redirect_uris', applicationType, options);
  if (responseTypes.includes('code') && redirectUris.length === 0) {
    throw new InvalidRedirectUri('redirect_uris is required for the authorization_code grant');
  }
  const postLogout = stringArray(input, 'post_logout_redirect_uris') ?? [];
  for (const uri of postLogout) checkRedirectUri(uri, 'post_logout_redirect_uris', applicationType, options);

  const jwks = input.jwks;
  if (jwks !== undefined && (typeof jwks !== 'object' || jwks === null || !Array.isArray((jwks as { keys?: unknown }).keys))) {
    throw new InvalidClientMetadata('jwks must be a JWK Set: {"keys": [...]}');
  }
  const jwksUri = optionalUrl(input, 'jwks_uri');
  if (jwks !== undefined && jwksUri) throw new InvalidClientMetadata('jwks and jwks_uri must not both be present (RFC 7591 §2)');
  if (method === 'private_key_jwt' && !jwks && !jwksUri) throw new InvalidClientMetadata('private_key_jwt needs jwks or jwks_uri');

  const idTokenAlg = optionalString(input, 'id_token_signed_response_alg') ?? DEFAULT_SIGNING_ALGORITHM;
  if (!isSigningAlgorithm(idTokenAlg))
    throw new InvalidClientMetadata(`id_token_signed_response_alg must be one of ${SIGNING_ALGORITHMS.join(', ')}`);
  const assertionAlg = optionalString(input, 'token_endpoint_auth_signing_alg');
  if (assertionAlg && !ASSERTION_ALGORITHMS.includes(assertionAlg))
    throw new InvalidClientMetadata(`token_endpoint_auth_signing_alg ${assertionAlg} is not supported`);

  const scope = optionalString(input, 'scope');
  if (scope !== undefined && !isScopeList(scope)) {
    throw new InvalidClientMetadata('scope must be space-separated scope tokens (RFC 6749 §3.3)');
  }
  // RFC 7591 §2: the server decides what a client may be granted; a scope it does not offer is no power to register.
  const unknownScopes = scope?.split(' ').filter((name) => options.knownScopes && !options.knownScopes.has(name)) ?? [];
  if (unknownScopes.length > 0) throw new InvalidClientMetadata(`scope: ${unknownScopes.join(' ')} is not a scope this provider offers`);
  const resources = stringArray(input, 'resources');
  for (const resource of resources ?? []) {
    if (!URL.canParse(resource) || resource.includes('#')) throw new InvalidClientMetadata(`resources: ${resource} is not an absolute URI`);
    if (options.resources && !options.resources.includes(resource))
      throw new InvalidClientMetadata(`resources: ${resource} is not a registered resource (accessTokens.resources)`);
  }
  // The admin API's scopes, which the operator gives a client (config, CLI, admin API).
  const adminScopes = stringArray(input, 'admin_scopes');
  const notAdmin = adminScopes?.filter((name) => !isAdminScope(name)) ?? [];
  if (notAdmin.length > 0)
    throw new InvalidClientMetadata(`admin_scopes: ${notAdmin.join(' ')} is not an admin API scope (${ADMIN_SCOPES.join(', ')})`);
  const format = optionalString(input, 'access_token_format');
  if (format !== undefined && format !== 'jwt' && format !== 'opaque')
    throw new InvalidClientMetadata('access_token_format must be jwt or opaque');
  const ttl = input.access_token_ttl;
  if (ttl !== undefined && (typeof ttl !== 'number' || !Number.isInteger(ttl) || ttl <= 0 || ttl > 86400)) {
    throw new InvalidClientMetadata('access_token_ttl must be a whole number of seconds from 1 to 86400');
  }
  const contacts = stringArray(input, 'contacts');
  const sessionRequired = input.backchannel_logout_session_required;
  if (sessionRequired !== undefined && typeof sessionRequired !== 'boolean') {
    throw new InvalidClientMetadata('backchannel_logout_session_required must be a boolean');
  }
  const requirePkce = input.require_pkce;
  if (requirePkce !== undefined && typeof requirePkce !== 'boolean') throw new InvalidClientMetadata('require_pkce must be a boolean');
  const requireS256 = input.require_pkce_s256;
  if (requireS256 !== undefined && typeof requireS256 !== 'boolean') throw new InvalidClientMetadata('require_pkce_s256 must be a boolean');
  // RFC 9449 §5.2: dpop_bound_access_tokens, a boolean.
  const dpopBound = input.dpop_bound_access_tokens;
  if (dpopBound !== undefined && typeof dpopBound !== 'boolean')
    throw new InvalidClientMetadata('dpop_bound_access_tokens must be a boolean');
  const advanced = checkAdvancedMetadata(input, method, redirectUris);
  const requireMfa = input.require_mfa;
  if (requireMfa !== undefined && typeof requireMfa !== 'boolean') throw new InvalidClientMetadata('require_mfa must be a boolean');
  const defaultAcrValues = stringArray(input, 'default_acr_values');
  const subjectType = optionalString(input, 'subject_type');
  if (subjectType !== undefined && subjectType !== 'public' && subjectType !== 'pairwise')
    throw new InvalidClientMetadata('subject_type must be public or pairwise');
  if (subjectType === 'pairwise' && options.pairwiseSubjects === false)
    throw new InvalidClientMetadata('subject_type: pairwise subject identifiers are not enabled here (subjects.pairwise)');
  const sectorUri = optionalUrl(input, 'sector_identifier_uri');
  // OIDC Core §8.1: "If there are multiple hostnames in the registered redirect_uris, the Client MUST register a sector_identifier_uri."
  if (subjectType === 'pairwise' && sectorUri === undefined && sectorIdentifier({ redirect_uris: redirectUris }) === undefined) {
    throw new InvalidClientMetadata(
      'subject_type pairwise needs a sector_identifier_uri unless all redirect_uris share one host (OIDC Core §8.1)',
    );
  }
  const clientName = optionalString(input, 'client_name');
  if (clientName !== undefined && clientName.length > 200) throw new InvalidClientMetadata('client_name is longer than 200 characters');

  return dropUndefined({
    client_id: clientId,
    client_name: clientName,
    redirect_uris: redirectUris,
    post_logout_redirect_uris: postLogout,
    grant_types: grantTypes,
    response_types: responseTypes,
    token_endpoint_auth_method: method,
    scope,
    application_type: applicationType,
    id_token_signed_response_alg: idTokenAlg,
    token_endpoint_auth_signing_alg: assertionAlg,
    jwks: jwks as ClientMetadata['jwks'],
    jwks_uri: jwksUri,
    logo_uri: optionalUrl(input, 'logo_uri'),
    client_uri: optionalUrl(input, 'client_uri'),
    policy_uri: optionalUrl(input, 'policy_uri'),
    tos_uri: optionalUrl(input, 'tos_uri'),
    contacts,
    backchannel_logout_uri: optionalUrl(input, 'backchannel_logout_uri'),
    backchannel_logout_session_required: sessionRequired,
    subject_type: subjectType,
    sector_identifier_uri: sectorUri,
    access_token_format: format,
    access_token_ttl: ttl,
    require_pkce: requirePkce,
    require_pkce_s256: requireS256,
    dpop_bound_access_tokens: dpopBound,
    default_acr_values: defaultAcrValues,
    require_mfa: requireMfa,
    resources,
    admin_scopes: adminScopes && adminScopes.length > 0 ? [...new Set(adminScopes)] : undefined,
    ...advanced,
  });
}

/**
 * PAR (RFC 9126 §6), JAR (RFC 9101 §10.5, OIDC Registration §2), JARM (§3) and the FAPI 2.0
 * switch. A FAPI 2.0 client is confidential with private_key_jwt and redirects only to https
 * (FAPI 2.0 Security Profile, authorization server requirements; src/rules/fapi-profile.ts).
 */
function checkAdvancedMetadata(
  input: Record<string, unknown>,
  method: string,
  redirectUris: string[],
): Pick<
  ClientMetadata,
  | 'require_pushed_authorization_requests'
  | 'require_signed_request_object'
  | 'request_object_signing_alg'
  | 'authorization_signed_response_alg'
  | 'fapi_profile'
> {
  const flag = (field: string) => {
    const value = input[field];
    if (value !== undefined && value !== null && typeof value !== 'boolean') throw new InvalidClientMetadata(`${field} must be a boolean`);
    return value ?? undefined;
  };
  const requestAlg = optionalString(input, 'request_object_signing_alg');
  if (requestAlg !== undefined && !REQUEST_OBJECT_ALGORITHMS.includes(requestAlg))
    throw new InvalidClientMetadata(`request_object_signing_alg must be one of ${REQUEST_OBJECT_ALGORITHMS.join(', ')}`);
  const responseAlg = optionalString(input, 'authorization_signed_response_alg');
  if (responseAlg !== undefined && !isSigningAlgorithm(responseAlg))
    throw new InvalidClientMetadata(`authorization_signed_response_alg must be one of ${SIGNING_ALGORITHMS.join(', ')}`);
  const fapi = optionalString(input, 'fapi_profile');
  if (fapi !== undefined && fapi !== '2.0') throw new InvalidClientMetadata('fapi_profile must be 2.0');
  if (fapi === '2.0') {
    if (method !== 'private_key_jwt')
      throw new InvalidClientMetadata('a FAPI 2.0 client authenticates with private_key_jwt (FAPI 2.0 Security Profile)');
    const insecure = redirectUris.find((uri) => !uri.startsWith('https:'));
    if (insecure) throw new InvalidRedirectUri(`redirect_uris: ${insecure} must use https (FAPI 2.0 Security Profile)`);
  }
  return {
    require_pushed_authorization_requests: flag('require_pushed_authorization_requests'),
    require_signed_request_object: flag('require_signed_request_object'),
    request_object_signing_alg: requestAlg,
    authorization_signed_response_alg: responseAlg,
    fapi_profile: fapi,
  };
}

/**
 * An allowlist of redirect URI forms, per OIDC Registration §2 `application_type`, never a
 * fragment (RFC 6749 §3.1.2) or credentials:
 * - web: https, or http on a loopback host (RFC 9700 §2.6);
 * - native: the same, or a private-use scheme in reverse domain name form (RFC 8252 §7.1),
 *   which is how javascript:, data:, ms-settings: and the like stay out of every client.
 */
function checkRedirectUri(uri: string, field: string, applicationType: string, options: ValidationOptions): void {
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    throw new InvalidRedirectUri(`${field}: ${uri} is not an absolute URI`);
  }
  if (uri.includes('#')) throw new InvalidRedirectUri(`${field}: ${uri} must not contain a fragment (RFC 6749 §3.1.2)`);
  if (url.protocol === 'https:' || url.protocol === 'http:') {
    if (url.protocol === 'http:' && !isLoopback(url.hostname) && !options.allowInsecureHttp) {
      throw new InvalidRedirectUri(`${field}: ${uri} must use https (http only for loopback addresses)`);
    }
    if (url.username || url.password) throw new InvalidRedirectUri(`${field}: ${uri} must not carry credentials`);
    return;
  }
  if (applicationType !== 'native') {
    throw new InvalidRedirectUri(
      `${field}: the ${url.protocol} scheme is not allowed for a web client ` +
        '(https only; private-use schemes need application_type native, RFC 8252 §7.1)',
    );
  }
  // RFC 8252 §7.1: a private-use scheme is a reverse domain name the app controls, so it has a period.
  if (!url.protocol.slice(0, -1).includes('.')) {
    throw new InvalidRedirectUri(
      `${field}: the ${url.protocol} scheme is not allowed: ` +
        "a native app's private-use scheme is a reverse domain name such as com.example.app (RFC 8252 §7.1)",
    );
  }
}

export function isLoopback(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '127.0.0.1' || hostname === '[::1]' || hostname.endsWith('.localhost');
}

function optionalUrl(input: Record<string, unknown>, field: string): string | undefined {
  const value = optionalString(input, field);
  if (value === undefined) return undefined;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new InvalidClientMetadata(`${field} must be an absolute URL`);
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && isLoopback(url.hostname))) {
    throw new InvalidClientMetadata(`${field} must use https (http only for loopback addresses)`);
  }
  if (value.includes('#')) throw new InvalidClientMetadata(`${field} must not contain a fragment`);
  return value;
}

function optionalString(input: Record<string, unknown>, field: string): string | undefined {
  const value = input[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw new InvalidClientMetadata(`${field} must be a string`);
  return value;
}

function stringArray(input: Record<string, unknown>, field: string): string[] | undefined {
  const value = input[field];
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'string')) {
    throw new InvalidClientMetadata(`${field} must be an array of strings`);
  }
  return [...new Set(value as string[])];
}

function dropUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
