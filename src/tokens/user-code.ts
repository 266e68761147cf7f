import { randomString } from '../util/random.js';

/**
 * RFC 8628 §6.1: user codes from 20 consonants (no vowels, so no words; no easily confused
 * characters). 8 characters give 20^8 ≈ 2.6·10^10 codes, about 34.5 bits.
 */
export const USER_CODE_ALPHABET = 'BCDFGHJKLMNPQRSTVWXZ';
export const USER_CODE_LENGTH = 8;

/** A new user code in its stored, normalised form (8 letters, no dash). */
export function generateUserCode(): string {
  return randomString(USER_CODE_ALPHABET, USER_CODE_LENGTH);
}

/** How people see and type it: `MMQH-NCTW`. */
export function formatUserCode(normalised: string): string {
  return `${normalised.slice(0, 4)}-${normalised.slice(4)}`;
}

/**
 * What a person typed, in stored form: case-insensitive, dashes and spaces ignored (RFC 8628
 * §6.1), full-width letters of phone keyboards read as ASCII (NFKC). Undefined when it cannot
 * be a user code at all (wrong length or characters).
 */
export function normaliseUserCode(input: string): string | undefined {
  const code = input
    .normalize('NFKC')
    .toUpperCase()
    .replace(/[\s-]+/g, '');
  if (code.length !== USER_CODE_LENGTH) return undefined;
  for (const c of code) if (!USER_CODE_ALPHABET.includes(c)) return undefined;
  return code;
}
