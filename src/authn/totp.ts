import { Secret, TOTP } from 'otpauth';
import type { SecondFactorsStore } from '../storage/ports.js';
import type { Clock } from '../util/clock.js';
import type { SecretBox } from '../util/secret-box.js';

/** RFC 6238 parameters every authenticator app understands: SHA-1, 6 digits, 30-second steps. */
const PERIOD = 30;
const DIGITS = 6;

export interface TotpOptions {
  store: Pick<SecondFactorsStore, 'findTotp' | 'startTotp' | 'useTotpStep' | 'removeTotp'>;
  /** AES-256-GCM under a key derived from TESSERA_SECRET, like the signing keys. */
  box: SecretBox;
  /** The `issuer` shown in the app (config mfa.totpIssuerName). */
  issuerName: string;
  clock: Clock;
}

/** What the enrollment page shows: the secret to type and the otpauth:// URI of the QR code. */
export interface TotpEnrollment {
  secret: string;
  uri: string;
}

export type TotpCheck = 'ok' | 'invalid' | 'replayed';

/** TOTP authenticators (RFC 6238): enrolled with one confirmed code, each code accepted once. */
export class TotpAuthenticators {
  constructor(private readonly options: TotpOptions) {}

  /** True when the user has a confirmed authenticator. */
  async isActive(userId: string): Promise<boolean> {
    const record = await this.options.store.findTotp(userId);
    return record !== undefined && record.confirmedAt !== null;
  }

  /**
   * Starts an enrollment with a new 160-bit secret (RFC 4226 §4 R6), or undefined when the user
   * already has an active authenticator (it must be removed first).
   */
  async start(userId: string, username: string): Promise<TotpEnrollment | undefined> {
    const secret = new Secret({ size: 20 });
    const started = await this.options.store.startTotp(userId, this.options.box.encrypt(secret.base32), this.options.clock.nowSeconds());
    if (!started) return undefined;
    return { secret: secret.base32, uri: this.totp(secret, username).toString() };
  }

  /** The enrollment in progress (shown again after a wrong confirmation code). */
  async pending(userId: string, username: string): Promise<TotpEnrollment | undefined> {
    const record = await this.options.store.findTotp(userId);
    if (!record || record.confirmedAt !== null) return undefined;
    const secret = Secret.fromBase32(this.options.box.decrypt(record.secretEncrypted));
    return { secret: secret.base32, uri: this.totp(secret, username).toString() };
  }

  /**
   * Checks a code, confirming a pending enrollment with it. RFC 6238 §5.2: one step of clock
   * drift either way, and a code accepted once: the step used is recorded atomically, so the
   * same code (or an earlier one) is refused afterwards, on every instance.
   */
  async check(userId: string, code: string, which: 'active' | 'pending'): Promise<TotpCheck> {
    const record = await this.options.store.findTotp(userId);
    if (!record || (which === 'active') !== (record.confirmedAt !== null)) return 'invalid';
    const token = code.replace(/\s+/g, '');
    if (!/^\d{6}$/.test(token)) return 'invalid';
    const now = this.options.clock.nowSeconds();
    const totp = this.totp(Secret.fromBase32(this.options.box.decrypt(record.secretEncrypted)), '');
    const delta = totp.validate({ token, timestamp: now * 1000, window: 1 });
    if (delta === null) return 'invalid';
    const step = Math.floor(now / PERIOD) + delta;
    return (await this.options.store.useTotpStep(userId, step, now)) ? 'ok' : 'replayed';
  }

  remove(userId: string): Promise<boolean> {
    return this.options.store.removeTotp(userId);
  }

  private totp(secret: Secret, username: string): TOTP {
    return new TOTP({ issuer: this.options.issuerName, label: username, algorithm: 'SHA1', digits: DIGITS, period: PERIOD, secret });
  }
}
