import { createLocalJWKSet, errors, type CryptoKey, type JSONWebKeySet, type JWSHeaderParameters, type KeyObject } from 'jose';
import type { ClientMetadata } from '../clients/client.js';
import type { OutboundFetch } from '../outbound/outbound-fetch.js';

export interface ClientJwksOptions {
  /** The SSRF-safe fetcher: address policy, no redirects, deadline and size cap. */
  fetch: OutboundFetch;
  /** How long a fetched JWKS is used before it is fetched again, in milliseconds. */
  maxAgeMs?: number;
  /** At most one re-fetch for an unknown key per uri within this many milliseconds. */
  cooldownMs?: number;
  /** Key sets kept in memory; the least recently fetched is dropped beyond this. */
  maxEntries?: number;
}

interface Entry {
  jwks: JSONWebKeySet;
  fetchedAt: number;
  lastRefetchAt: number;
}

/**
 * The key sets of private_key_jwt clients that publish a `jwks_uri` (OIDC Registration §2).
 * Fetched through the outbound fetcher (public addresses only, a deadline and a size
 * limit, no redirects), cached, and fetched again when an assertion
 * names a key the cached copy lacks (the client rotated), at most once per cooldown so that
 * made-up `kid`s cannot turn into a stream of requests to the client's server.
 */
export class ClientJwks {
  private readonly cache = new Map<string, Entry>();
  private readonly send: OutboundFetch;
  private readonly maxAgeMs: number;
  private readonly cooldownMs: number;
  private readonly maxEntries: number;

  constructor(options: ClientJwksOptions) {
    this.send = options.fetch;
    this.maxAgeMs = options.maxAgeMs ?? 5 * 60 * 1000;
    this.cooldownMs = options.cooldownMs ?? 10 * 1000;
    this.maxEntries = options.maxEntries ?? 1000;
  }

  /** The cached key set, fetched when missing or stale. */
  async get(uri: string): Promise<JSONWebKeySet> {
    const entry = this.cache.get(uri);
    if (entry && Date.now() - entry.fetchedAt < this.maxAgeMs) return entry.jwks;
    const jwks = await this.fetch(uri);
    this.remember(uri, { jwks, fetchedAt: Date.now(), lastRefetchAt: entry?.lastRefetchAt ?? 0 });
    return jwks;
  }

  /** Fetches again after an unknown key; undefined when the cooldown forbids it. */
  async refetch(uri: string): Promise<JSONWebKeySet | undefined> {
    const entry = this.cache.get(uri);
    if (entry && Date.now() - entry.lastRefetchAt < this.cooldownMs) return undefined;
    const jwks = await this.fetch(uri);
    this.remember(uri, { jwks, fetchedAt: Date.now(), lastRefetchAt: Date.now() });
    return jwks;
  }

  private remember(uri: string, entry: Entry): void {
    // Map order is insertion order: re-inserting moves the uri to the end, the oldest is first.
    this.cache.delete(uri);
    this.cache.set(uri, entry);
    if (this.cache.size > this.maxEntries) this.cache.delete(this.cache.keys().next().value!);
  }

  private async fetch(uri: string): Promise<JSONWebKeySet> {
    const response = await this.send(uri, { headers: { accept: 'application/json, application/jwk-set+json' } });
    if (response.status !== 200) throw new Error(`jwks_uri answered ${response.status}`);
    let jwks: JSONWebKeySet;
    try {
      jwks = JSON.parse(response.body.toString('utf8')) as JSONWebKeySet;
    } catch {
      throw new Error('jwks_uri did not return JSON');
    }
    if (!jwks || typeof jwks !== 'object' || !Array.isArray(jwks.keys)) throw new Error('jwks_uri did not return a JWK Set');
    return jwks;
  }
}

export type ClientPublicKey = CryptoKey | KeyObject;

/**
 * The keys of a client's registered `jwks` or `jwks_uri` (OIDC Registration §2) that fit a JWS
 * header's kid, alg and use: several when no kid narrows it, none when nothing fits. A cached
 * `jwks_uri` is fetched again once when nothing fits (the client may have rotated). Throws an
 * Error (with the reason) when the client has no keys or they cannot be fetched.
 */
export async function clientKeysFor(
  metadata: Pick<ClientMetadata, 'jwks' | 'jwks_uri'>,
  cache: ClientJwks,
  header: JWSHeaderParameters,
): Promise<ClientPublicKey[]> {
  if (metadata.jwks) return matchingKeys(metadata.jwks as JSONWebKeySet, header);
  const uri = metadata.jwks_uri;
  if (!uri) throw new Error('the client has neither jwks nor jwks_uri');
  const fetchFailed = (err: Error) => new Error(`jwks_uri could not be fetched: ${err.message}`);
  let keys = await matchingKeys(
    await cache.get(uri).catch((err: Error) => {
      throw fetchFailed(err);
    }),
    header,
  );
  if (keys.length === 0) {
    const fresh = await cache.refetch(uri).catch((err: Error) => {
      throw fetchFailed(err);
    });
    if (fresh) keys = await matchingKeys(fresh, header);
  }
  return keys;
}

async function matchingKeys(jwks: JSONWebKeySet, header: JWSHeaderParameters): Promise<ClientPublicKey[]> {
  try {
    return [(await createLocalJWKSet(jwks)(header, undefined as never)) as ClientPublicKey];
  } catch (err) {
    if (err instanceof errors.JWKSMultipleMatchingKeys) {
      const keys: ClientPublicKey[] = [];
      for await (const key of err as unknown as AsyncIterable<ClientPublicKey>) keys.push(key);
      return keys;
    }
    // No match, an invalid set, or a key that cannot be imported: nothing to verify with.
    if (err instanceof errors.JOSEError || err instanceof TypeError) return [];
    throw err;
  }
}
