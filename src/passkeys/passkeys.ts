import {
  generateAuthenticationOptions,
  generateRegistrationOptions,
  verifyAuthenticationResponse,
  verifyRegistrationResponse,
  type AuthenticationResponseJSON,
  type AuthenticatorTransportFuture,
  type PublicKeyCredentialCreationOptionsJSON,
  type PublicKeyCredentialRequestOptionsJSON,
  type RegistrationResponseJSON,
} from '@simplewebauthn/server';
import type { PasskeysStore, UsedJtisStore, WebauthnChallengesStore } from '../storage/ports.js';
import type { Clock } from '../util/clock.js';
import type { SecretBox } from '../util/secret-box.js';
import { hashToken } from '../util/hashing.js';
import { randomToken } from '../util/random.js';

export interface PasskeysOptions {
  store: PasskeysStore;
  challenges: WebauthnChallengesStore;
  /** Seals sign-in challenges into their handle (a key derived from TESSERA_SECRET). */
  box: SecretBox;
  /** Where a used sign-in handle is remembered until it expires, shared by every instance. */
  usedHandles: Pick<UsedJtisStore, 'remember'>;
  /** The issuer: the RP ID is its host name, the one expected origin is its origin (WebAuthn L3 §5.1.3 step 9, §13.4.9). */
  issuer: string;
  rpName: string;
  /** config passkeys.userVerification */
  userVerification: 'required' | 'preferred' | 'discouraged';
  /** Seconds a ceremony may take (config passkeys.ceremonyTimeout). */
  timeout: number;
  clock: Clock;
}

/** A ceremony the page runs: `handle` names its server-side challenge, `options` go to navigator.credentials. */
export interface Ceremony<T> {
  handle: string;
  options: T;
}

/** Why a ceremony was refused, in words for the page. */
/** Why a passkey was refused, as a message key (`mfa:passkey_<reason>`) the pages translate. */
export type PasskeyRefusal =
  'someone_else' | 'unchecked' | 'unverified' | 'registered_already' | 'unknown' | 'other_account' | 'expired' | 'no_answer';

/** A refused passkey: `message` (English) for logs and tests, `reason` for the page. */
export class PasskeyRefused extends Error {
  constructor(
    message: string,
    readonly reason: PasskeyRefusal,
    /** What the WebAuthn library found wrong (origin, RP ID...), shown after the translated message. */
    readonly detail = '',
  ) {
    super(message);
  }
}

export interface PasskeySignIn {
  userId: string;
  /** RFC 8176: `hwk` (a credential bound to one device) or `swk` (synced), and `user` when the authenticator verified the user. */
  methods: string[];
}

/**
 * WebAuthn Level 3 ceremonies with @simplewebauthn/server. A registration's challenge is stored
 * server-side under the hash of a random handle the page holds, and consumed atomically once.
 * A sign-in's challenge is sealed into its handle instead (AES-GCM under a key derived from
 * TESSERA_SECRET, with its expiry), because every view of the sign-in page starts one: nothing
 * is written until someone answers it, and then its nonce is remembered in the shared used-JTI
 * table until it expires, so it is used once. Either way a ceremony started on one instance
 * finishes on any other, a replayed response finds its challenge used, a late one finds it expired.
 */
export class Passkeys {
  readonly rpId: string;
  readonly origin: string;

  constructor(private readonly options: PasskeysOptions) {
    const url = new URL(options.issuer);
    this.rpId = url.hostname;
    this.origin = url.origin;
  }

  async startRegistration(user: { id: string; username: string }): Promise<Ceremony<PublicKeyCredentialCreationOptionsJSON>> {
    const existing = await this.options.store.listOfUser(user.id);
    const options = await generateRegistrationOptions({
      rpName: this.options.rpName,
      rpID: this.rpId,
      userName: user.username,
      userID: new TextEncoder().encode(user.id),
      timeout: this.options.timeout * 1000,
      attestationType: 'none',
      // Discoverable credentials (a passkey), so it can sign in without a username.
      authenticatorSelection: { residentKey: 'required', userVerification: this.options.userVerification },
      excludeCredentials: existing.map((p) => ({ id: p.credentialId, transports: p.transports as AuthenticatorTransportFuture[] })),
    });
    return { handle: await this.remember(options.challenge, 'register', user.id), options };
  }

  /** Verifies and stores a new passkey; returns the RFC 8176 methods its creation proved (possession, and `user` when verified). */
  async finishRegistration(userId: string, handle: string, responseJson: string, name: string): Promise<string[]> {
    const challenge = await this.consume(handle, 'register');
    if (challenge.userId !== userId)
      throw new PasskeyRefused('This passkey setup was started by someone else. Start again.', 'someone_else');
    const response = parse<RegistrationResponseJSON>(responseJson);
    let result;
    try {
      result = await verifyRegistrationResponse({
        response,
        expectedChallenge: challenge.challenge,
        expectedOrigin: this.origin,
        expectedRPID: this.rpId,
        requireUserVerification: this.options.userVerification === 'required',
      });
    } catch (err) {
      throw new PasskeyRefused(`The passkey could not be checked: ${(err as Error).message}`, 'unchecked', (err as Error).message);
    }
    if (!result.verified) throw new PasskeyRefused('The passkey could not be verified.', 'unverified');
    const info = result.registrationInfo;
    if (await this.options.store.find(info.credential.id))
      throw new PasskeyRefused('This passkey is registered already.', 'registered_already');
    await this.options.store.insert({
      credentialId: info.credential.id,
      userId,
      name,
      publicKey: Buffer.from(info.credential.publicKey).toString('base64url'),
      signCount: info.credential.counter,
      transports: info.credential.transports ?? [],
      deviceType: info.credentialDeviceType,
      backedUp: info.credentialBackedUp,
      createdAt: this.options.clock.nowSeconds(),
      lastUsedAt: null,
    });
    const kind = info.credentialDeviceType === 'multiDevice' ? 'swk' : 'hwk';
    return info.userVerified ? [kind, 'user'] : [kind];
  }

  /** Sign-in options: any discoverable passkey of this site (`userId` undefined), or the user's own (second factor). */
  async startAuthentication(userId?: string): Promise<Ceremony<PublicKeyCredentialRequestOptionsJSON>> {
    const allow = userId ? await this.options.store.listOfUser(userId) : [];
    const options = await generateAuthenticationOptions({
      rpID: this.rpId,
      timeout: this.options.timeout * 1000,
      userVerification: this.options.userVerification,
      allowCredentials: allow.map((p) => ({ id: p.credentialId, transports: p.transports as AuthenticatorTransportFuture[] })),
    });
    const sealed: SealedSignIn = {
      challenge: options.challenge,
      userId: userId ?? null,
      expiresAt: this.options.clock.nowSeconds() + this.options.timeout,
      nonce: randomToken(16),
    };
    return { handle: this.options.box.encrypt(JSON.stringify(sealed)), options };
  }

  /** Checks an assertion; `expectedUserId` for a second factor (the passkey must be that person's). */
  async finishAuthentication(handle: string, responseJson: string, expectedUserId?: string): Promise<PasskeySignIn> {
    const challenge = await this.consumeSignIn(handle);
    const response = parse<AuthenticationResponseJSON>(responseJson);
    const passkey = typeof response.id === 'string' ? await this.options.store.find(response.id) : undefined;
    if (!passkey) throw new PasskeyRefused('This passkey is not registered here.', 'unknown');
    const owner = expectedUserId ?? challenge.userId;
    if (owner && passkey.userId !== owner) throw new PasskeyRefused('This passkey belongs to another account.', 'other_account');
    // The user handle of a discoverable credential names its account (WebAuthn L3 §7.2 step 6).
    const userHandle = response.response?.userHandle;
    if (userHandle && Buffer.from(userHandle, 'base64url').toString('utf8') !== passkey.userId)
      throw new PasskeyRefused('This passkey belongs to another account.', 'other_account');
    let result;
    try {
      result = await verifyAuthenticationResponse({
        response,
        expectedChallenge: challenge.challenge,
        expectedOrigin: this.origin,
        expectedRPID: this.rpId,
        credential: {
          id: passkey.credentialId,
          publicKey: new Uint8Array(Buffer.from(passkey.publicKey, 'base64url')),
          counter: passkey.signCount,
          transports: passkey.transports as AuthenticatorTransportFuture[],
        },
        requireUserVerification: this.options.userVerification === 'required',
      });
    } catch (err) {
      throw new PasskeyRefused(`The passkey could not be checked: ${(err as Error).message}`, 'unchecked', (err as Error).message);
    }
    if (!result.verified) throw new PasskeyRefused('The passkey could not be verified.', 'unverified');
    const info = result.authenticationInfo;
    await this.options.store.recordUse(passkey.credentialId, {
      signCount: info.newCounter,
      backedUp: info.credentialBackedUp,
      now: this.options.clock.nowSeconds(),
    });
    const kind = info.credentialDeviceType === 'multiDevice' ? 'swk' : 'hwk';
    return { userId: passkey.userId, methods: info.userVerified ? [kind, 'user'] : [kind] };
  }

  private async remember(challenge: string, purpose: 'register' | 'authenticate', userId: string | null): Promise<string> {
    const handle = randomToken(32);
    await this.options.challenges.insert({
      id: hashToken(handle),
      challenge,
      purpose,
      userId,
      expiresAt: this.options.clock.nowSeconds() + this.options.timeout,
    });
    return handle;
  }

  /** Opens a sign-in handle: sealed by us, not expired, and not answered before (remembered atomically now). */
  private async consumeSignIn(handle: string): Promise<SealedSignIn> {
    const now = this.options.clock.nowSeconds();
    const sealed = this.open(handle);
    if (!sealed || sealed.expiresAt < now || !(await this.options.usedHandles.remember(`webauthn:${sealed.nonce}`, sealed.expiresAt, now)))
      throw new PasskeyRefused(EXPIRED_OR_USED, 'expired');
    return sealed;
  }

  private open(handle: string): SealedSignIn | undefined {
    try {
      const value = JSON.parse(this.options.box.decrypt(handle)) as SealedSignIn;
      const valid =
        typeof value.challenge === 'string' &&
        typeof value.nonce === 'string' &&
        typeof value.expiresAt === 'number' &&
        (value.userId === null || typeof value.userId === 'string');
      return valid ? value : undefined;
    } catch {
      return undefined; // not sealed by this provider, or tampered with
    }
  }

  private async consume(handle: string, purpose: 'register' | 'authenticate') {
    const challenge = handle
      ? await this.options.challenges.consume(hashToken(handle), purpose, this.options.clock.nowSeconds())
      : undefined;
    if (!challenge) throw new PasskeyRefused(EXPIRED_OR_USED, 'expired');
    return challenge;
  }
}

const EXPIRED_OR_USED = 'This passkey request has expired or was used already. Please try again.';

/** What a sign-in handle seals. */
interface SealedSignIn {
  challenge: string;
  /** The person a second-factor ceremony is for; null for a passwordless sign-in. */
  userId: string | null;
  expiresAt: number;
  /** Names the handle in the used-JTI table once answered. */
  nonce: string;
}

function parse<T>(json: string): T {
  try {
    const value = JSON.parse(json) as unknown;
    if (typeof value === 'object' && value !== null) return value as T;
  } catch {
    // refused below
  }
  throw new PasskeyRefused('The browser sent no passkey answer. Please try again.', 'no_answer');
}
