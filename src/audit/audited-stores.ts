import type { ClientsStore, SigningKeysStore } from '../storage/ports.js';
import type { AuditLog } from './audit-log.js';

/**
 * Client changes reach the trail whichever path made them (config, CLI, registration): every
 * path saves through this store. A save that changes nothing (a restart re-reading the config)
 * is not an event.
 */
export function auditedClientsStore(store: ClientsStore, audit: AuditLog): ClientsStore {
  return {
    find: (clientId) => store.find(clientId),
    list: () => store.list(),
    async save(client, now) {
      const before = await store.find(client.clientId);
      await store.save(client, now);
      const changed =
        !before || JSON.stringify(before.metadata) !== JSON.stringify(client.metadata) || before.secretHash !== client.secretHash;
      if (!changed) return;
      const detail = before ? { secret_changed: before.secretHash !== client.secretHash } : { origin: client.origin };
      await audit.record({ type: before ? 'client.updated' : 'client.created', clientId: client.clientId, detail });
    },
    async delete(clientId) {
      const deleted = await store.delete(clientId);
      if (deleted) await audit.record({ type: 'client.deleted', clientId });
      return deleted;
    },
  };
}

/**
 * Rotation retires the previous signing key: that is the event, with both key ids. A key
 * retired on its own (the admin API), not when a new key starts signing, is `key.retired`.
 */
export function auditedSigningKeysStore(store: SigningKeysStore, audit: AuditLog): SigningKeysStore {
  let lastInserted: { kid: string; alg: string; signsFrom: number } | undefined;
  return {
    ...store,
    async insert(key) {
      await store.insert(key);
      lastInserted = { kid: key.kid, alg: key.alg, signsFrom: key.createdAt };
    },
    async retire(kid, retiredAt, expiresAt) {
      await store.retire(kid, retiredAt, expiresAt);
      // A rotation retires the old keys at the moment its new key starts signing.
      if (lastInserted && lastInserted.signsFrom === retiredAt)
        await audit.record({
          type: 'key.rotated',
          detail: { retired_kid: kid, new_kid: lastInserted.kid, alg: lastInserted.alg, published_until: expiresAt },
        });
      else await audit.record({ type: 'key.retired', detail: { retired_kid: kid, published_until: expiresAt } });
    },
  };
}
