import { createHmac } from 'node:crypto';
import type { Client, ClientMetadata } from '../clients/client.js';

/**
 * OIDC Core §8.1: the sector identifier of a pairwise client is the host of its
 * `sector_identifier_uri`, else the host of its redirect URIs when they all share one.
 * Undefined when there is none (several hosts, none, or a private-use scheme without host):
 * the client validator refuses pairwise then.
 */
export function sectorIdentifier(metadata: Pick<ClientMetadata, 'sector_identifier_uri' | 'redirect_uris'>): string | undefined {
  if (metadata.sector_identifier_uri !== undefined) return new URL(metadata.sector_identifier_uri).hostname;
  const hosts = new Set(metadata.redirect_uris.map((uri) => new URL(uri).hostname));
  const [host] = hosts;
  return hosts.size === 1 && host ? host : undefined;
}

/**
 * The `sub` a client sees for a user (OIDC Core §8): the user's id for a public client; for a
 * pairwise client base64url(HMAC-SHA-256(key, sector "\0" user id)), the same for every client
 * of one sector, different across sectors, and not reversible without the key (§8.1).
 */
export function subjectForClient(key: Buffer, client: Client, userId: string): string {
  if (client.metadata.subject_type !== 'pairwise') return userId;
  const sector = sectorIdentifier(client.metadata);
  // The validator never stores a pairwise client without a sector; refuse rather than fall back to public.
  if (sector === undefined) throw new Error(`pairwise client ${client.clientId} has no sector identifier`);
  return createHmac('sha256', key).update(`${sector}\0${userId}`).digest('base64url');
}

/**
 * Every place a user's `sub` leaves the server (ID token, access token, userinfo,
 * introspection, logout token) and every place a client's `sub` is compared with a session's
 * user (id_token_hint, claims sub at /auth and /session/end) goes through this.
 */
export class SubjectIdentifiers {
  constructor(
    /** HMAC key for pairwise values, derived from TESSERA_SECRET. */
    private readonly key: Buffer,
    private readonly findClient: (clientId: string) => Promise<Client | undefined>,
  ) {}

  forClient(client: Client, userId: string): string {
    return subjectForClient(this.key, client, userId);
  }

  /** Whether a client (known by id) sees pairwise subjects; a client that no longer exists counts as pairwise. */
  async isPairwise(clientId: string): Promise<boolean> {
    const client = await this.findClient(clientId);
    return !client || client.metadata.subject_type === 'pairwise';
  }

  /** The `sub` for a client known by id; undefined when the client no longer exists. */
  async forClientId(clientId: string, userId: string): Promise<string | undefined> {
    const client = await this.findClient(clientId);
    return client && this.forClient(client, userId);
  }
}
