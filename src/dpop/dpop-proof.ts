/** A DPoP proof (RFC 9449 §4.2) that passed every check of §4.3. */
export interface DpopProof {
  /** RFC 7638 SHA-256 thumbprint of the proof's public key: what tokens are bound to (`cnf.jkt`, §6.1). */
  jkt: string;
  jti: string;
  iat: number;
}

/** What the request the proof comes with must match (§4.3 steps 9 to 12). */
export interface DpopExpectation {
  /** The HTTP method of the request (`htm`). */
  method: string;
  /** The server's own URI of the endpoint, built from the issuer (`htu`). */
  url: string;
  /** At a protected resource: the access token presented, which `ath` must hash (§4.3 step 12). */
  accessToken?: string;
}
