/**
 * The OAuth / OpenID Connect error family. Each class is named after its wire code
 * (RFC 6749 §4.1.2.1, §5.2; RFC 6750 §3.1; RFC 8628 §3.5; OIDC Core §3.1.2.6;
 * RFC 7591 §3.2.2). One serializer (`http/error-handler.ts`) writes them.
 *
 * `redirectable` says whether the error may be sent to the client's redirect URI;
 * errors about the client or the redirect URI itself never are (RFC 6749 §4.1.2.1).
 * `detail` goes to the log only.
 */
export abstract class OAuthError extends Error {
  abstract readonly error: string;
  readonly status: number = 400;
  readonly redirectable: boolean = true;
  readonly headers: Record<string, string> = {};
  constructor(
    readonly description: string,
    readonly detail?: string,
  ) {
    super(description);
  }
  toJSON(): { error: string; error_description: string } {
    return { error: this.error, error_description: this.description };
  }
}

export class InvalidRequest extends OAuthError {
  readonly error = 'invalid_request';
}
/** A request that cannot be redirected: unknown client or unverifiable redirect_uri. */
export class InvalidRequestNoRedirect extends OAuthError {
  readonly error = 'invalid_request';
  override readonly redirectable = false;
}
export class NotFound extends OAuthError {
  readonly error = 'invalid_request';
  override readonly status = 404;
  override readonly redirectable = false;
}
export class InvalidClient extends OAuthError {
  readonly error = 'invalid_client';
  override readonly status = 401;
  override readonly redirectable = false;
  /** RFC 6749 §5.2: answer with the scheme the client tried. */
  constructor(description: string, detail?: string, basicTried = false) {
    super(description, detail);
    if (basicTried) this.headers['www-authenticate'] = 'Basic realm="tessera", charset="UTF-8"';
  }
}
export class InvalidGrant extends OAuthError {
  readonly error = 'invalid_grant';
}
export class UnauthorizedClient extends OAuthError {
  readonly error = 'unauthorized_client';
}
export class UnsupportedGrantType extends OAuthError {
  readonly error = 'unsupported_grant_type';
}
export class UnsupportedResponseType extends OAuthError {
  readonly error = 'unsupported_response_type';
}
export class InvalidScope extends OAuthError {
  readonly error = 'invalid_scope';
}
// RFC 8707 §2: a resource indicator that is not an absolute URI without fragment, or not allowed
export class InvalidTarget extends OAuthError {
  readonly error = 'invalid_target';
}
export class AccessDenied extends OAuthError {
  readonly error = 'access_denied';
}
export class ServerError extends OAuthError {
  readonly error = 'server_error';
  override readonly status = 500;
}
export class TemporarilyUnavailable extends OAuthError {
  readonly error = 'temporarily_unavailable';
  override readonly status = 503;
}
export class TooManyRequests extends OAuthError {
  readonly error = 'invalid_request';
  override readonly status = 429;
  constructor(description: string, retryAfterSeconds: number) {
    super(description);
    this.headers['retry-after'] = String(Math.max(1, Math.ceil(retryAfterSeconds)));
  }
}
export class PayloadTooLarge extends OAuthError {
  readonly error = 'invalid_request';
  override readonly status = 413;
}
// OIDC Core §3.1.2.6
export class LoginRequired extends OAuthError {
  readonly error = 'login_required';
}
// OpenID Connect Core Unmet Authentication Requirements 1.0 §3: an essential acr the OP cannot meet.
export class UnmetAuthenticationRequirements extends OAuthError {
  readonly error = 'unmet_authentication_requirements';
}
export class ConsentRequired extends OAuthError {
  readonly error = 'consent_required';
}
export class RequestNotSupported extends OAuthError {
  readonly error = 'request_not_supported';
}
export class RequestUriNotSupported extends OAuthError {
  readonly error = 'request_uri_not_supported';
}
// RFC 8628 §3.5
export class AuthorizationPending extends OAuthError {
  readonly error = 'authorization_pending';
}
export class SlowDown extends OAuthError {
  readonly error = 'slow_down';
}
export class ExpiredToken extends OAuthError {
  readonly error = 'expired_token';
}
// RFC 6750 §3.1: resource errors carry WWW-Authenticate: Bearer
export class InvalidToken extends OAuthError {
  readonly error = 'invalid_token';
  override readonly status = 401;
  override readonly redirectable = false;
  constructor(description: string, detail?: string) {
    super(description, detail);
    this.headers['www-authenticate'] =
      `Bearer realm="tessera", error="invalid_token", error_description="${sanitizeDescription(description)}"`;
  }
}
export class InsufficientScope extends OAuthError {
  readonly error = 'insufficient_scope';
  override readonly status = 403;
  override readonly redirectable = false;
  constructor(description: string, scope: string) {
    super(description);
    this.headers['www-authenticate'] = `Bearer realm="tessera", error="insufficient_scope", scope="${scope}"`;
  }
}
// RFC 9449 §5, §8: DPoP at the token endpoint (the resource side answers 401, src/dpop/dpop-challenge.ts)
export class InvalidDpopProof extends OAuthError {
  readonly error = 'invalid_dpop_proof';
  override readonly redirectable = false;
}
export class UseDpopNonce extends OAuthError {
  readonly error = 'use_dpop_nonce';
  /** §8.1: the nonce to use comes in the DPoP-Nonce header. */
  constructor(description: string, nonce: string) {
    super(description);
    this.headers['dpop-nonce'] = nonce;
  }
}
// RFC 7591 §3.2.2
export class InvalidRedirectUri extends OAuthError {
  readonly error = 'invalid_redirect_uri';
  override readonly redirectable = false;
}
export class InvalidClientMetadata extends OAuthError {
  readonly error = 'invalid_client_metadata';
  override readonly redirectable = false;
}
// RFC 9101 §6.3, OIDC Core §3.1.2.6: the request object is invalid (signature, claims, audience)
export class InvalidRequestObject extends OAuthError {
  readonly error = 'invalid_request_object';
}
/** RFC 9126 §4, RFC 9101 §6.2: the request_uri is unknown, expired, used or another client's; no redirect URI is known then. */
export class InvalidRequestUri extends OAuthError {
  readonly error = 'invalid_request_uri';
  override readonly redirectable = false;
}

/**
 * RFC 6749 §5.2: error_description is limited to %x20-21 / %x23-5B / %x5D-7E
 * (no quote, no backslash, no control characters).
 */
export function sanitizeDescription(text: string): string {
  return text.replace(/[^\x20-\x21\x23-\x5B\x5D-\x7E]/g, ' ').slice(0, 500);
}
