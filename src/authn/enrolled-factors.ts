import type { PasskeysStore } from '../storage/ports.js';
import type { TotpAuthenticators } from './totp.js';
import type { RecoveryCodes } from './recovery-codes.js';

/** The second factors a person has set up, among the methods the operator turned on. */
export interface EnrolledFactors {
  totp: boolean;
  passkeys: number;
  recoveryCodes: number;
}

export interface MfaMethods {
  /** Undefined when TOTP is off (config mfa.totp). */
  totp?: TotpAuthenticators;
  recoveryCodes: RecoveryCodes;
  /** Undefined when passkeys are off (config passkeys.enabled). */
  passkeys?: Pick<PasskeysStore, 'listOfUser'>;
}

export async function enrolledFactors(methods: MfaMethods, userId: string): Promise<EnrolledFactors> {
  const [totp, passkeys, recoveryCodes] = await Promise.all([
    methods.totp ? methods.totp.isActive(userId) : false,
    methods.passkeys ? methods.passkeys.listOfUser(userId).then((list) => list.length) : 0,
    methods.recoveryCodes.remaining(userId),
  ]);
  return { totp, passkeys, recoveryCodes };
}

/** A second factor can be asked: TOTP or a passkey (recovery codes only stand in for one). */
export function hasSecondFactor(factors: EnrolledFactors): boolean {
  return factors.totp || factors.passkeys > 0;
}
