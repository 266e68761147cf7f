import { randomInt } from 'node:crypto';
import type { SecondFactorsStore } from '../storage/ports.js';
import type { Clock } from '../util/clock.js';
import { keyedHash } from '../util/hashing.js';

/** Ten codes, each shown once and usable once. */
export const RECOVERY_CODE_COUNT = 10;
/** No 0/o, 1/l/i: a code is read off paper. 31 symbols, 10 of them: about 50 bits per code. */
const ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789';

export interface RecoveryCodesOptions {
  store: Pick<SecondFactorsStore, 'replaceRecoveryCodes' | 'useRecoveryCode' | 'countRecoveryCodes'>;
  /** HMAC key derived from TESSERA_SECRET: a stolen table alone cannot be searched offline. */
  key: Buffer;
  clock: Clock;
}

/** Recovery codes: stand in for the second factor when the authenticator is lost. */
export class RecoveryCodes {
  constructor(private readonly options: RecoveryCodesOptions) {}

  /** New codes replace every earlier one; the plain codes are returned once, only their hashes are kept. */
  async regenerate(userId: string): Promise<string[]> {
    const codes = Array.from({ length: RECOVERY_CODE_COUNT }, () => newCode());
    await this.options.store.replaceRecoveryCodes(
      userId,
      codes.map((code) => this.hash(userId, code)),
      this.options.clock.nowSeconds(),
    );
    return codes;
  }

  /** Uses one code, atomically: a code works once, on any instance. */
  use(userId: string, code: string): Promise<boolean> {
    const normalized = normalize(code);
    if (!/^[a-z0-9]{10}$/.test(normalized)) return Promise.resolve(false);
    return this.options.store.useRecoveryCode(userId, this.hash(userId, normalized), this.options.clock.nowSeconds());
  }

  remaining(userId: string): Promise<number> {
    return this.options.store.countRecoveryCodes(userId);
  }

  private hash(userId: string, code: string): string {
    return keyedHash(this.options.key, `${userId}\n${normalize(code)}`);
  }
}

/** `xxxxx-xxxxx`; typed back in any case, with or without the dash and spaces. */
function newCode(): string {
  const chars = Array.from({ length: 10 }, () => ALPHABET[randomInt(ALPHABET.length)]);
  return `${chars.slice(0, 5).join('')}-${chars.slice(5).join('')}`;
}

function normalize(code: string): string {
  return code.toLowerCase().replace(/[\s-]+/g, '');
}

/** True when the typed text looks like a recovery code rather than a 6-digit TOTP code. */
export function looksLikeRecoveryCode(code: string): boolean {
  return normalize(code).length === 10;
}
