/** Each step of a flow in one sentence, with the section of the specification that defines it. */
export interface StepText {
  step: string;
  explanation: string;
  reference: string;
}

export const STEPS = {
  authorizationRequest: {
    step: 'Authorization request (browser → /auth)',
    explanation:
      'The browser is sent to the authorization endpoint with the client, its redirect URI, the scopes, a state, a nonce and the PKCE code_challenge; Tessera signs the person in and asks for consent.',
    reference: 'RFC 6749 §4.1.1, RFC 7636 §4.3, OIDC Core §3.1.2.1',
  },
  authorizationResponse: {
    step: 'Authorization response (redirect back to the playground)',
    explanation:
      'Tessera redirects the browser to the registered redirect URI with a one-time code, the state the client sent (checked here against the one it stored) and its issuer identifier.',
    reference: 'RFC 6749 §4.1.2, RFC 9207 §2',
  },
  codeExchange: {
    step: 'Token request: the code and the PKCE verifier for tokens',
    explanation:
      'The client’s back end trades the code and the code_verifier for tokens at the token endpoint, authenticating with its secret in HTTP Basic.',
    reference: 'RFC 6749 §4.1.3, RFC 7636 §4.5, RFC 6749 §2.3.1',
  },
  jwks: {
    step: 'Fetch the public signing keys',
    explanation:
      'The client fetches the provider’s JSON Web Key Set to verify the signatures of the JWTs it received, picking the key by kid.',
    reference: 'RFC 7517 §5, OIDC Core §10.1.1',
  },
  userinfo: {
    step: 'UserInfo request with the access token',
    explanation:
      'The access token is presented as a Bearer token to the UserInfo endpoint, which answers with the claims of the granted scopes.',
    reference: 'OIDC Core §5.3, RFC 6750 §2.1',
  },
  refresh: {
    step: 'Refresh: a new access token from the refresh token',
    explanation:
      'The refresh token (issued because offline_access was asked with prompt=consent) buys new tokens without the person; Tessera rotates it, so the old one stops working.',
    reference: 'RFC 6749 §6, OIDC Core §11, RFC 9700 §4.14.2',
  },
  clientCredentials: {
    step: 'Token request with the client’s own credentials',
    explanation: 'The client asks for an access token for itself, with no person involved, authenticating with its secret in HTTP Basic.',
    reference: 'RFC 6749 §4.4.2, RFC 6749 §2.3.1',
  },
  deviceAuthorization: {
    step: 'Device authorization request',
    explanation:
      'The device asks for a device code (kept secret) and a short user code that the person enters, or scans as a QR code, on another screen.',
    reference: 'RFC 8628 §3.1, §3.2, §3.3.1',
  },
  devicePoll: {
    step: 'Device access token request (polling)',
    explanation:
      'The device polls the token endpoint with its device code at the given interval until the person approves (tokens) or denies (access_denied); meanwhile the answer is authorization_pending or slow_down.',
    reference: 'RFC 8628 §3.4, §3.5',
  },
} satisfies Record<string, StepText>;
