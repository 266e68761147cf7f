import type { Client } from '../clients/client.js';

/** Credentials as the request presented them, before they are checked. */
export interface PresentedCredentials {
  /** The method the request used (RFC 6749 §2.3, RFC 7523 §2.2). */
  method: string;
  clientId: string;
  secret?: string;
  assertion?: string;
  /** Whether the Authorization: Basic header was used (then a 401 carries WWW-Authenticate: Basic). */
  basic: boolean;
}

/** One client authentication method. Throws InvalidClient on failure. */
export interface ClientAuthMethod {
  readonly name: string;
  verify(presented: PresentedCredentials, client: Client, endpointUrl: string): Promise<void>;
}
