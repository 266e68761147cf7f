import type { AuthenticationMethods } from '../storage/ports.js';

/**
 * Authentication assurance: what a sign-in's methods are worth. Two levels, each with an ACR
 * name the operator chooses (config `acr.password`, `acr.mfa`):
 * - 1, single factor: a password, a sign-in at another identity provider (`fed`), or a passkey without user verification;
 * - 2, multi-factor: a password with a one-time code or a passkey, or a passkey with user
 *   verification (possession plus a PIN or biometric, NIST SP 800-63B §5.1.8).
 */
export type AssuranceLevel = 0 | 1 | 2;

export const LEVEL_PASSWORD = 1;
export const LEVEL_MFA = 2;

export interface AcrNames {
  /** ACR of a single-factor sign-in. */
  password: string;
  /** ACR of a multi-factor sign-in. */
  mfa: string;
}

/** RFC 8176 §2 values in the order ID tokens list them. */
const AMR_ORDER = ['pwd', 'fed', 'otp', 'hwk', 'swk', 'user'];

export function assuranceLevel(methods: AuthenticationMethods): AssuranceLevel {
  const has = (m: string) => methods[m] !== undefined;
  const passkey = has('hwk') || has('swk');
  // `fed`: another identity provider vouched for the person (connectors): one factor, like a password.
  const knows = has('pwd') || has('fed');
  if ((knows && (has('otp') || passkey)) || (passkey && has('user'))) return LEVEL_MFA;
  return knows || passkey || has('otp') ? LEVEL_PASSWORD : 0;
}

/** The `amr` claim (RFC 8176): the methods used, plus `mfa` at the multi-factor level. */
export function amrOf(methods: AuthenticationMethods): string[] {
  const amr = AMR_ORDER.filter((m) => methods[m] !== undefined);
  return assuranceLevel(methods) === LEVEL_MFA ? [...amr, 'mfa'] : amr;
}

/** The `acr` claim (OIDC Core §2) for a sign-in with these methods. */
export function acrOf(methods: AuthenticationMethods, names: AcrNames): string | null {
  const level = assuranceLevel(methods);
  return level === LEVEL_MFA ? names.mfa : level === LEVEL_PASSWORD ? names.password : null;
}

/** The level an ACR value names, or undefined for a value this provider does not know. */
export function levelOfAcr(acr: string, names: AcrNames): AssuranceLevel | undefined {
  if (acr === names.mfa) return LEVEL_MFA;
  if (acr === names.password) return LEVEL_PASSWORD;
  return undefined;
}
