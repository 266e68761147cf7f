/** Which upstream claim (a dotted path into the ID token, userinfo or user API answer) fills each field of an UpstreamIdentity. */
export interface ClaimMapping {
  subject: string;
  username: string;
  email: string;
  /** A boolean claim; for `oauth2` connectors with an `emailsUrl`, the emails endpoint decides instead. */
  emailVerified: string;
  name: string;
  givenName: string;
  familyName: string;
  picture: string;
  groups: string;
}

/** One upstream identity provider, as configured (`connectors[]`), presets applied and checked. */
export interface ConnectorSettings {
  /** [a-z0-9-]+; the link key of every identity it vouches for: never renamed. */
  id: string;
  /** The protocol spoken: OpenID Connect, or plain OAuth 2.0 with a user API (GitHub style). */
  protocol: 'oidc' | 'oauth2';
  /** What the operator wrote: oidc, oauth2, google, microsoft, github or gitlab. */
  type: string;
  /** The button's label on the sign-in page. */
  name: string;
  clientId: string;
  /** The client secret, or the name of the environment variable holding it. */
  clientSecret?: string;
  clientSecretEnv?: string;
  scopes: string[];
  claims: ClaimMapping;
  /** Create a Tessera user on an unlinked identity's first sign-in. */
  provision: boolean;
  /** Keep the upstream's tokens, sealed, in federated_identities.tokens_encrypted. */
  storeTokens: boolean;
  /** The upstream's `amr` (RFC 8176 values) instead of ['fed'] (OIDC only; the operator trusts the upstream's word). */
  upstreamAmr: boolean;
  /** Email domains whose people are sent to this connector from the sign-in page (home realm discovery). */
  domains: string[];
  /** oidc: the issuer, discovered at `<issuer>/.well-known/openid-configuration`. */
  issuer?: string;
  /** oidc: also ask the userinfo endpoint (claims the ID token lacks). */
  userinfo: boolean;
  /** oauth2: the endpoints. */
  authorizationUrl?: string;
  tokenUrl?: string;
  userUrl?: string;
  /** oauth2: GitHub-style list of { email, verified, primary }: the verified primary address is the email. */
  emailsUrl?: string;
}

export const STANDARD_MAPPING: ClaimMapping = {
  subject: 'sub',
  username: 'preferred_username',
  email: 'email',
  emailVerified: 'email_verified',
  name: 'name',
  givenName: 'given_name',
  familyName: 'family_name',
  picture: 'picture',
  groups: 'groups',
};
