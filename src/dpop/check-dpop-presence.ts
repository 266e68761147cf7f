import type { Client } from '../clients/client.js';
import { InvalidDpopProof } from '../protocol/oauth-errors.js';
import type { DpopProof } from './dpop-proof.js';
import type { Dpop } from './dpop-service.js';

/**
 * A token request without a proof from a client that must send one: RFC 9449 §5.2
 * `dpop_bound_access_tokens`, or config dpop.required. `alsoRequired` lets another policy
 * (a security profile) demand it too.
 */
export function checkDpopPresence(dpop: Dpop | undefined, client: Client, proof: DpopProof | undefined, alsoRequired = false): void {
  if (proof) return;
  if (dpop?.required || client.metadata.dpop_bound_access_tokens === true || alsoRequired)
    throw new InvalidDpopProof('a DPoP proof is required of this client (send a DPoP header)');
}
