/**
 * A person as another identity provider (a connector) vouches for them, after its sign-in
 * succeeded: what Tessera links to one of its users and maps into their claims.
 */
export interface UpstreamIdentity {
  /** The configured connector's id (`connectors[].id`): half of the stable link key. */
  connectorId: string;
  /** The upstream's stable id for the person (OIDC `sub`, GitHub's numeric id, LDAP entryUUID): the other half. */
  subject: string;
  /** preferred_username / login / uid: a suggestion for a new user's username, never a link key. */
  username?: string;
  email?: string;
  /** True only when the upstream says it verified `email`; an unverified email never links or blocks anything. */
  emailVerified: boolean;
  name?: string;
  givenName?: string;
  familyName?: string;
  picture?: string;
  groups: string[];
  /** How the upstream authenticated the person, for the `amr` of Tessera's tokens: ['fed'], the upstream's, or ['pwd'] (LDAP). */
  amr: string[];
}
