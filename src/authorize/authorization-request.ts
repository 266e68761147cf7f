import type { ClaimsRequest } from '../storage/ports.js';

/** A validated authorization request (RFC 6749 §4.1.1, OIDC Core §3.1.2.1), as the steps built it. */
export interface AuthorizationRequest {
  clientId: string;
  /** For the sign-in page's "to continue to ...". */
  clientName?: string;
  /** Where the response goes: the sent redirect_uri, or the client's only registered one. */
  redirectUri: string;
  /** redirect_uri exactly as sent, '' when omitted (the token request must then omit it too). */
  redirectUriParam: string;
  responseMode: ResponseMode;
  state?: string;
  /** The scopes that may be granted, after dropping unknown and disallowed ones. */
  scopes: string[];
  nonce?: string;
  codeChallenge?: string;
  codeChallengeMethod?: 'S256' | 'plain';
  prompt: string[];
  maxAge?: number;
  loginHint?: string;
  /** OIDC Core §3.1.2.1 ui_locales, its well-formed tags only: every page of this request speaks the first one Tessera has. */
  uiLocales?: string;
  /** The user the request names: a verified id_token_hint's `sub`, or claims.id_token.sub.value. */
  expectedSub?: string;
  acrValues?: string;
  /** OIDC Core §5.5 claims request. */
  claims?: ClaimsRequest;
  /** RFC 8707 resource indicators, space-separated (the parameter may be repeated, §2.1). */
  resource?: string;
  /** RFC 9449 §10: the thumbprint of the DPoP key the code is bound to (`dpop_jkt`). */
  dpopJkt?: string;
  /** Epoch seconds of the first /auth request: a sign-in at or after it is "fresh". */
  requestedAt: number;
  /**
   * Set when this request sent the person to sign in: the session's signInId at that moment
   * ('' when there was none). Any other sign-in since then satisfies prompt=login and max_age.
   */
  staleSignIn?: string;
  /** Held to the FAPI 2.0 profile (src/rules/fapi-profile.ts): the code lives at most 60 seconds. */
  fapi?: boolean;
}

/** RFC 6749 §4.1.2, OAuth 2.0 Form Post Response Mode, and JARM §2.3's JWT-secured variants. */
export type ResponseMode = 'query' | 'fragment' | 'form_post' | 'query.jwt' | 'fragment.jwt' | 'form_post.jwt';

/** Where and how errors and codes go back to the client once the redirect URI is trusted. */
export interface RedirectTarget {
  /** The client the response is for (JARM's `aud`). */
  clientId: string;
  redirectUri: string;
  responseMode: ResponseMode;
  state?: string;
}
