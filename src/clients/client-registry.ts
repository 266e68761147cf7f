import type { ClientsStore } from '../storage/ports.js';
import type { Clock } from '../util/clock.js';
import { keyedHash, safeEqual } from '../util/hashing.js';
import { randomToken } from '../util/random.js';
import type { SecretBox } from '../util/secret-box.js';
import { usesSecret, type Client } from './client.js';
import type { OutboundFetch } from '../outbound/outbound-fetch.js';
import { checkSectorIdentifier } from './check-sector-identifier.js';
import { validateClientMetadata, type ValidationOptions } from './validate-client-metadata.js';

export interface ClientRegistryOptions {
  store: ClientsStore;
  /** HMAC key for client secrets (derived from TESSERA_SECRET). */
  secretKey: Buffer;
  /** Encrypts the secrets of client_secret_jwt clients, which must be recoverable. */
  box: SecretBox;
  clock: Clock;
  /** What metadata may name: the scopes the provider offers, the registered resources. */
  limits?: Pick<ValidationOptions, 'knownScopes' | 'resources' | 'pairwiseSubjects'>;
  /** The SSRF-safe fetcher, for sector_identifier_uri (OIDC Core §8.1). */
  fetch?: OutboundFetch;
}

export interface SavedClient {
  client: Client;
  /** The plain secret, only when this call generated or set it: shown once, never stored. */
  secret?: string;
}

/** How long a found client is reused without reading it again (see ClientRegistry.found), in seconds of the clock. */
const FOUND_FOR = 1;
const MAX_KEPT = 1000;

/**
 * Creates, updates and checks clients. Every path (config, CLI, registration) goes
 * through `save`, so metadata is validated and secrets are hashed the same way everywhere.
 */
export class ClientRegistry {
  /**
   * Clients found within the last FOUND_FOR (until the clock's next second), so that a busy
   * token endpoint does not read the same row on every request. Changes made through this
   * registry take effect at once here; another process (a `--workers` sibling, the CLI) sees a
   * changed, rotated or deleted client at most FOUND_FOR later (docs/decisions.md#client-cache).
   * Only found clients are kept, and at most MAX_KEPT of them.
   */
  private readonly found = new Map<string, { client: Client; until: number }>();

  constructor(private readonly options: ClientRegistryOptions) {}

  async find(clientId: string): Promise<Client | undefined> {
    const kept = this.found.get(clientId);
    if (kept && kept.until > this.options.clock.nowSeconds()) return kept.client;
    const client = await this.options.store.find(clientId);
    if (client) {
      if (this.found.size >= MAX_KEPT) this.found.clear();
      this.found.set(clientId, { client, until: this.options.clock.nowSeconds() + FOUND_FOR });
    } else this.found.delete(clientId);
    return client;
  }

  list(): Promise<Client[]> {
    return this.options.store.list();
  }

  delete(clientId: string): Promise<boolean> {
    this.found.delete(clientId);
    return this.options.store.delete(clientId);
  }

  /**
   * Validates `input` (RFC 7591 metadata plus `client_secret`) and stores it. A client that
   * uses a secret gets `client_secret` if given, else keeps its current one, else a new one.
   */
  async save(
    input: Record<string, unknown>,
    origin: string,
    extra: Partial<Client> = {},
    validation: ValidationOptions = {},
  ): Promise<SavedClient> {
    const { client_secret: givenSecret, ...rest } = input;
    const metadata = validateClientMetadata(rest, { ...this.options.limits, ...validation });
    await checkSectorIdentifier(this.options.fetch, metadata);
    const existing = await this.options.store.find(metadata.client_id);
    let secret: string | undefined;
    let secretHash: string | null = null;
    let secretEncrypted: string | null = null;
    const method = metadata.token_endpoint_auth_method;
    if (usesSecret(method)) {
      if (givenSecret !== undefined && (typeof givenSecret !== 'string' || givenSecret.length === 0)) {
        throw new TypeError('client_secret must be a non-empty string');
      }
      if (typeof givenSecret === 'string') {
        secret = givenSecret;
      } else if (existing?.secretHash && (method !== 'client_secret_jwt' || existing.secretEncrypted)) {
        secretHash = existing.secretHash;
        secretEncrypted = method === 'client_secret_jwt' ? existing.secretEncrypted : null;
      } else {
        secret = randomToken(32);
      }
      if (secret !== undefined) {
        secretHash = this.hashSecret(secret);
        secretEncrypted = method === 'client_secret_jwt' ? this.options.box.encrypt(secret) : null;
      }
    }
    const client: Client = {
      clientId: metadata.client_id,
      metadata,
      secretHash,
      secretEncrypted,
      secretExpiresAt: 0,
      origin: existing?.origin ?? origin,
      registrationTokenHash: existing?.registrationTokenHash ?? null,
      createdAt: existing?.createdAt ?? this.options.clock.nowSeconds(),
      ...extra,
    };
    await this.options.store.save(client, this.options.clock.nowSeconds());
    this.found.delete(client.clientId);
    // Report a secret only when it is new to the caller (a config-given one they already know).
    return { client, secret: typeof givenSecret === 'string' ? undefined : secret };
  }

  /** Generates a new secret for a client that uses one; the old secret stops working. */
  async rotateSecret(clientId: string): Promise<string> {
    const client = await this.options.store.find(clientId);
    if (!client) throw new TypeError(`no client ${clientId}`);
    if (!usesSecret(client.metadata.token_endpoint_auth_method)) throw new TypeError(`client ${clientId} does not use a secret`);
    const secret = randomToken(32);
    client.secretHash = this.hashSecret(secret);
    if (client.metadata.token_endpoint_auth_method === 'client_secret_jwt') client.secretEncrypted = this.options.box.encrypt(secret);
    await this.options.store.save(client, this.options.clock.nowSeconds());
    this.found.delete(clientId);
    return secret;
  }

  hashSecret(secret: string): string {
    return keyedHash(this.options.secretKey, secret);
  }

  /** Constant-time check of a presented secret against the stored HMAC. */
  checkSecret(client: Client, presented: string): boolean {
    if (!client.secretHash) return false;
    return safeEqual(this.hashSecret(presented), client.secretHash);
  }

  /** RFC 7591 §3.2.1: past client_secret_expires_at (0: the secret never expires). */
  secretExpired(client: Client): boolean {
    return client.secretExpiresAt > 0 && client.secretExpiresAt <= this.options.clock.nowSeconds();
  }

  /** The plain secret of a client_secret_jwt client, to verify its HMAC-signed assertions. */
  recoverSecret(client: Client): string | undefined {
    return client.secretEncrypted ? this.options.box.decrypt(client.secretEncrypted) : undefined;
  }
}
