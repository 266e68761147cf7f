/** An end-user. `id` is the stable, opaque `sub` of every token about them. */
export interface User {
  id: string;
  username: string;
  /** OIDC Core §5.1 standard claims (name, email, email_verified, phone_number, address, ...). */
  claims: Record<string, unknown>;
  createdAt: number;
  /** Set while the operator has disabled the account: no sign-in, no tokens, nothing answered about them. */
  disabledAt: number | null;
  /** Roles the operator gave (`admin`: may be granted the admin API's scopes); empty for most people. */
  roles: string[];
}
