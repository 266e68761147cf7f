import type { Config } from '../config/load-config.js';
import type { UsedJtisStore } from '../storage/ports.js';
import type { Clock } from '../util/clock.js';
import { deriveKey } from '../util/secret-box.js';
import type { DpopProofChecks } from './check-dpop-proof.js';
import { dpopNonces } from './dpop-nonces.js';

/** DPoP as the endpoints use it: the proof checks, and whether /token requires a proof of everyone. */
export interface Dpop extends DpopProofChecks {
  /** config dpop.required: every token request needs a proof (per client: `dpop_bound_access_tokens`). */
  required: boolean;
}

/** DPoP per config (RFC 9449), or undefined when `dpop.enabled` is off. */
export function createDpop(
  config: Pick<Config, 'dpop'>,
  deps: { secret: string; usedJtis: Pick<UsedJtisStore, 'remember'>; clock: Clock },
): Dpop | undefined {
  if (!config.dpop.enabled) return undefined;
  return {
    required: config.dpop.required,
    requireNonce: config.dpop.requireNonce,
    proofWindow: config.dpop.proofWindow,
    nonces: dpopNonces(deriveKey(deps.secret, 'dpop-nonces'), config.dpop.nonceLifetime, deps.clock),
    usedJtis: deps.usedJtis,
    clock: deps.clock,
  };
}
