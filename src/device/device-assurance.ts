import { assuranceLevel, LEVEL_MFA } from '../authn/assurance.js';
import { enrolledFactors, hasSecondFactor, type MfaMethods } from '../authn/enrolled-factors.js';
import type { Client } from '../clients/client.js';
import type { Session } from '../session/sessions.js';
import { enrollUrl, stepUpUrl } from '../session/login-url.js';

export interface DeviceAssuranceDeps {
  issuer: string;
  /** config mfa.requiredForAll */
  requiredForAll: boolean;
  mfa: MfaMethods;
}

/**
 * The MFA policy holds for devices as for /auth (src/authorize/required-assurance.ts): when the
 * operator (mfa.requiredForAll) or the client (require_mfa) asks for more than the browser
 * session's sign-in gave, the person gives a second factor, or sets one up, before Allow.
 * The device flow has no acr_values (RFC 8628 §3.1), so only these two musts apply.
 * Returns where to send the person, or undefined when the session is strong enough.
 */
export async function deviceStepUp(deps: DeviceAssuranceDeps, client: Client, session: Session, back: string): Promise<string | undefined> {
  if (!deps.requiredForAll && !client.metadata.require_mfa) return undefined;
  if (assuranceLevel(session.methods) >= LEVEL_MFA) return undefined;
  const canStepUp = hasSecondFactor(await enrolledFactors(deps.mfa, session.userId));
  return canStepUp ? stepUpUrl(deps.issuer, back) : enrollUrl(deps.issuer, back);
}
