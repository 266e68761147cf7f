import { importJWK, type CryptoKey, type JWK, type KeyObject } from 'jose';
import type { SigningKeyRecord, SigningKeysStore } from '../storage/ports.js';
import type { SecretBox } from '../util/secret-box.js';
import type { Clock } from '../util/clock.js';
import { ConfigError } from '../config/config-error.js';
import type { SigningAlgorithm } from '../jose/algorithms.js';
import type { SigningKey } from '../jose/sign.js';
import { generateSigningKey } from './generate-signing-key.js';

/** What an operator sees of a key (`tessera keys list`): never its private part. */
export interface KeyInfo {
  kid: string;
  alg: string;
  /** When the key starts signing: later than now while a rotation waits for every process to publish it. */
  createdAt: number;
  retiredAt: number | null;
  /** End of publication in the JWKS (retired keys only). */
  expiresAt: number | null;
  /** Signs new tokens for its algorithm. */
  active: boolean;
}

export interface KeySetOptions {
  store: SigningKeysStore;
  box: SecretBox;
  /** The algorithm tokens are signed with by default. */
  defaultAlgorithm: SigningAlgorithm;
  /** How long a retired key stays published: the longest lifetime of a JWT it signed. */
  publishRetiredFor: number;
  /**
   * Seconds between `rotate()` publishing a new key and that key signing: at least the interval at
   * which every process reloads, so every JWKS already lists a key before any token carries its kid.
   */
  activationDelay?: number;
  clock: Clock;
}

/**
 * Which key signs for each algorithm at `now`: the newest key that has started signing
 * (`createdAt` is when a key starts, in the future for a rotation in progress) and is not
 * retired yet. With none, the newest unretired key (a first key signs at once).
 */
export function signingKids(keys: SigningKeyRecord[], now: number): Map<string, string> {
  const chosen = new Map<string, string>();
  for (const key of keys) {
    if (!chosen.has(key.alg) && key.createdAt <= now && (key.retiredAt === null || key.retiredAt > now)) chosen.set(key.alg, key.kid);
  }
  for (const key of keys) if (!chosen.has(key.alg) && key.retiredAt === null) chosen.set(key.alg, key.kid);
  return chosen;
}

/**
 * The provider's signing keys, shared by every process through the database. Keeps the
 * decrypted keys and the JWKS bytes in memory; `reload()` picks up another process's rotation.
 */
export class KeySet {
  private active = new Map<SigningAlgorithm, SigningKey>();
  private publicKeys = new Map<string, { jwk: JWK; key?: CryptoKey | KeyObject }>();
  private jwksBody = '{"keys":[]}';
  /** When keys were last read (clock seconds): an unknown kid re-reads them at most every 5 s. */
  private lastReload = 0;

  constructor(private readonly options: KeySetOptions) {}

  /** Ensures a signing key exists for the default algorithm and RS256 (OIDC Core §15.1), then loads. */
  async init(): Promise<void> {
    await this.reload();
    const needed = new Set<SigningAlgorithm>([this.options.defaultAlgorithm, 'RS256']);
    let created = false;
    for (const alg of needed) {
      if (!this.active.has(alg)) {
        await this.addKey(alg);
        created = true;
      }
    }
    if (created) await this.reload();
  }

  async reload(): Promise<void> {
    const now = this.options.clock.nowSeconds();
    this.lastReload = now;
    const stored = (await this.options.store.list()).filter((key) => key.expiresAt === null || key.expiresAt >= now);
    const signing = signingKids(stored, now);
    const active = new Map<SigningAlgorithm, SigningKey>();
    const published = new Map<string, { jwk: JWK; key?: CryptoKey | KeyObject }>();
    for (const key of stored) {
      published.set(key.kid, { jwk: key.publicJwk, key: this.publicKeys.get(key.kid)?.key });
      const alg = key.alg as SigningAlgorithm;
      if (signing.get(alg) === key.kid) {
        const current = this.active.get(alg);
        const privateKey =
          current?.kid === key.kid
            ? current.privateKey
            : ((await importJWK(this.decryptPrivateJwk(key.kid, key.privateJwkEncrypted), alg)) as CryptoKey | KeyObject);
        active.set(alg, { kid: key.kid, alg, privateKey });
      }
    }
    this.active = active;
    this.publicKeys = published;
    this.jwksBody = JSON.stringify({ keys: [...published.values()].map((p) => p.jwk) });
  }

  private decryptPrivateJwk(kid: string, encrypted: string): JWK {
    try {
      return JSON.parse(this.options.box.decrypt(encrypted)) as JWK;
    } catch {
      // The one likely cause: this process runs with another TESSERA_SECRET than the one that stored the key.
      throw new ConfigError(
        'secret',
        `cannot decrypt signing key ${kid}: the secret differs from the one that encrypted the keys in this database`,
      );
    }
  }

  /** Every stored key, newest first, with its state; publication-expired keys are dropped first. */
  async describe(): Promise<KeyInfo[]> {
    await this.options.store.deleteExpired(this.options.clock.nowSeconds());
    const stored = await this.options.store.list();
    const activeKids = new Set(signingKids(stored, this.options.clock.nowSeconds()).values());
    return stored.map((key) => ({
      kid: key.kid,
      alg: key.alg,
      createdAt: key.createdAt,
      retiredAt: key.retiredAt,
      expiresAt: key.expiresAt,
      active: activeKids.has(key.kid),
    }));
  }

  /**
   * Rotation: a new key is published now and signs after `activationDelay` (once every process
   * has reloaded); the previous key of that algorithm signs until then and stays in the JWKS
   * until the tokens it signed have expired. Keys past that point are deleted.
   */
  async rotate(alg: SigningAlgorithm = this.options.defaultAlgorithm): Promise<{ kid: string; signsFrom: number; retired: KeyInfo[] }> {
    const before = (await this.describe()).filter((k) => k.alg === alg && k.retiredAt === null);
    const signsFrom = this.options.clock.nowSeconds() + (this.options.activationDelay ?? 0);
    const kid = await this.addKey(alg, signsFrom);
    await this.options.store.deleteExpired(this.options.clock.nowSeconds());
    await this.reload();
    const after = await this.describe();
    return { kid, signsFrom, retired: after.filter((k) => before.some((b) => b.kid === k.kid)) };
  }

  /**
   * Adds a key, published at once, signing for its algorithm from `signsFrom` (default now);
   * the previous key is retired then, and stays published for `publishRetiredFor` after.
   */
  async addKey(alg: SigningAlgorithm, signsFrom = this.options.clock.nowSeconds()): Promise<string> {
    const key = await generateSigningKey(alg);
    const now = signsFrom;
    const previous = (await this.options.store.list()).filter((k) => k.alg === alg && k.retiredAt === null);
    await this.options.store.insert({
      kid: key.kid,
      alg,
      publicJwk: key.publicJwk,
      privateJwkEncrypted: this.options.box.encrypt(JSON.stringify(key.privateJwk)),
      createdAt: now,
      retiredAt: null,
      expiresAt: null,
    });
    for (const old of previous) await this.options.store.retire(old.kid, now, now + this.options.publishRetiredFor);
    return key.kid;
  }

  /**
   * Retires one key now: it stops signing and stays published until the tokens it signed have
   * expired. Refused (undefined) for a key that is the only unretired one of its algorithm,
   * which would leave nothing to sign with: rotate first. Undefined too for an unknown kid.
   */
  async retire(kid: string): Promise<KeyInfo | 'last-key' | undefined> {
    const keys = await this.describe();
    const key = keys.find((k) => k.kid === kid);
    if (!key) return undefined;
    if (key.retiredAt !== null) return key;
    const others = keys.filter((k) => k.alg === key.alg && k.kid !== kid && k.retiredAt === null);
    if (others.length === 0) return 'last-key';
    const now = this.options.clock.nowSeconds();
    await this.options.store.retire(kid, now, now + this.options.publishRetiredFor);
    await this.reload();
    return (await this.describe()).find((k) => k.kid === kid);
  }

  /** The key that signs with `alg` (default: the configured algorithm). */
  signingKey(alg: SigningAlgorithm = this.options.defaultAlgorithm): SigningKey {
    const key = this.active.get(alg);
    if (!key) throw new Error(`no active signing key for ${alg}`);
    return key;
  }

  get defaultAlgorithm(): SigningAlgorithm {
    return this.options.defaultAlgorithm;
  }

  /** Algorithms for which a signing key is active. */
  algorithms(): SigningAlgorithm[] {
    return [...this.active.keys()];
  }

  /** A public key by `kid`, for verifying our own tokens (ID token hints, JWT access tokens). */
  async verificationKey(kid: string): Promise<CryptoKey | KeyObject | undefined> {
    let entry = this.publicKeys.get(kid);
    // An unknown kid may be another process's new key; re-read, but at most every few seconds
    // so that forged kids cannot turn into a database load.
    if (!entry && this.options.clock.nowSeconds() - this.lastReload > 5) {
      await this.reload();
      entry = this.publicKeys.get(kid);
    }
    if (!entry) return undefined;
    entry.key ??= (await importJWK(entry.jwk, entry.jwk.alg)) as CryptoKey | KeyObject;
    return entry.key;
  }

  /** The JWKS document: public members only. */
  jwks(): string {
    return this.jwksBody;
  }
}
