import { LEVEL_MFA, levelOfAcr, type AcrNames, type AssuranceLevel } from '../authn/assurance.js';
import type { Client } from '../clients/client.js';
import { UnmetAuthenticationRequirements } from '../protocol/oauth-errors.js';
import type { AuthorizationRequest } from './authorization-request.js';

export interface AssurancePolicy {
  acr: AcrNames;
  /** config mfa.requiredForAll */
  requiredForAll: boolean;
}

/** The level a request needs, and whether it is a must (a person without a second factor sets one up) or a wish. */
export interface AssuranceNeed {
  level: AssuranceLevel;
  mandatory: boolean;
}

/**
 * The assurance an authorization request needs, from (strongest first): the global policy
 * (mfa.requiredForAll), the client's `require_mfa`, an essential `acr` in the claims parameter
 * (OIDC Core §5.5.1.1: a must), `acr_values` (§3.1.2.1: voluntary), and else the client's
 * `default_acr_values` (OIDC Registration §2). Of several acceptable ACR values the lowest
 * level satisfies; values this provider does not know are ignored, except that an essential
 * acr naming none it knows cannot be met (unmet_authentication_requirements).
 */
export function requiredAssurance(request: AuthorizationRequest, client: Client, policy: AssurancePolicy): AssuranceNeed {
  if (policy.requiredForAll || client.metadata.require_mfa) return { level: LEVEL_MFA, mandatory: true };
  const essential = essentialAcrValues(request);
  if (essential) {
    const level = lowestKnown(essential, policy.acr);
    if (level === undefined)
      throw new UnmetAuthenticationRequirements(`the essential acr values (${essential.join(', ')}) are not offered by this provider`);
    return { level, mandatory: true };
  }
  const voluntary = request.acrValues?.split(' ').filter(Boolean) ?? client.metadata.default_acr_values ?? [];
  return { level: lowestKnown(voluntary, policy.acr) ?? 0, mandatory: false };
}

/** OIDC Core §5.5.1.1: claims.id_token.acr with essential true and a value or values. */
function essentialAcrValues(request: AuthorizationRequest): string[] | undefined {
  const acr = request.claims?.id_token?.acr;
  if (typeof acr !== 'object' || acr === null) return undefined;
  const { essential, value, values } = acr as { essential?: unknown; value?: unknown; values?: unknown };
  if (essential !== true) return undefined;
  const list = [value, ...(Array.isArray(values) ? (values as unknown[]) : [])].filter((v): v is string => typeof v === 'string');
  return list.length > 0 ? list : undefined;
}

function lowestKnown(values: string[], names: AcrNames): AssuranceLevel | undefined {
  const levels = values.map((v) => levelOfAcr(v, names)).filter((l) => l !== undefined);
  return levels.length > 0 ? (Math.min(...levels) as AssuranceLevel) : undefined;
}
