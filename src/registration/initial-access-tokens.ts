import type { InitialAccessTokensStore } from '../storage/ports.js';
import type { Clock } from '../util/clock.js';
import { hashToken } from '../util/hashing.js';
import { randomToken } from '../util/random.js';

export interface IssuedInitialAccessToken {
  /** The token itself: shown once, only its hash is stored. */
  token: string;
  createdAt: number;
  expiresAt: number | null;
}

/**
 * Initial access tokens (RFC 7591 §3): bearer tokens an operator hands out so that a
 * developer or tool may call the registration endpoint. Each may be used until it expires.
 */
export class InitialAccessTokens {
  constructor(
    private readonly store: InitialAccessTokensStore,
    private readonly clock: Clock,
  ) {}

  /** A new token; `expiresIn` seconds from now, or never when omitted. */
  async issue(options: { expiresIn?: number; description?: string } = {}): Promise<IssuedInitialAccessToken> {
    const token = randomToken(32);
    const now = this.clock.nowSeconds();
    const expiresAt = options.expiresIn ? now + options.expiresIn : null;
    await this.store.insert({ tokenHash: hashToken(token), description: options.description ?? null, createdAt: now, expiresAt });
    return { token, createdAt: now, expiresAt };
  }

  /**
   * Whether `token` is a current initial access token. The lookup is by SHA-256 of a 256-bit
   * random value, so it reveals nothing through timing about any stored token.
   */
  async isValid(token: string): Promise<boolean> {
    return (await this.store.findValid(hashToken(token), this.clock.nowSeconds())) !== undefined;
  }
}
