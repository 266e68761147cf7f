import { AsyncLocalStorage } from 'node:async_hooks';
import type { Logger } from 'pino';
import type { AuditEventFilter, AuditEventsStore, AuditRecord } from '../storage/ports.js';
import type { Clock } from '../util/clock.js';
import { randomToken } from '../util/random.js';

/** The security events Tessera records. */
export type AuditEventType =
  | 'signin.success'
  | 'signin.failure'
  | 'user.password_changed'
  | 'user.disabled'
  | 'user.enabled'
  | 'session.revoked'
  | 'consent.granted'
  | 'consent.revoked'
  | 'token.issued'
  | 'token.revoked'
  | 'token.exchanged'
  | 'code.reuse_detected'
  | 'refresh.reuse_detected'
  | 'client.created'
  | 'client.updated'
  | 'client.deleted'
  | 'key.rotated'
  | 'mfa.enrolled'
  | 'mfa.removed'
  | 'mfa.recovery_codes_created'
  | 'mfa.reset'
  | 'key.retired'
  | 'user.created'
  | 'user.updated'
  | 'user.deleted'
  | 'user.roles_changed'
  | 'initial_access_token.created'
  | 'initial_access_token.deleted'
  | 'admin_token.issued';

export interface AuditEvent {
  type: AuditEventType;
  userId?: string | null;
  clientId?: string | null;
  /** The client's network address. */
  address?: string | null;
  /** Non-secret facts (grant_type, scope, kid, reason...). Secret-looking fields are dropped. */
  detail?: Record<string, unknown>;
  /** Who acted; by default the one `actingAs` names for the current call, if any. */
  actor?: string | null;
}

/** Names that may carry a secret, a code or a token: never written to the trail. */
const SECRET_FIELD = new RegExp(
  ['secret', 'password', 'passwd', 'credential', 'assertion', 'verifier', 'cookie', 'authorization', 'hint', 'jwt', 'private']
    .concat(['^code$', '_code$', 'code_hash', '^token$', '_token$', 'token_hash'])
    .join('|'),
  'i',
);

/**
 * The audit trail. `record` never throws: a trail that cannot be written
 * is logged, and the request that caused the event is not failed for it.
 */
export class AuditLog {
  /** Events recorded during this turn of the event loop, written together after it. */
  private pending: { event: AuditRecord; written: () => void }[] = [];

  /** The actor of the call in progress (`actingAs`), seen by every event recorded within it. */
  private readonly actors = new AsyncLocalStorage<string>();

  constructor(
    private readonly store: AuditEventsStore,
    private readonly clock: Clock,
    private readonly logger?: Logger,
  ) {}

  /**
   * Resolves once the event is written (or its failure logged). The events of one turn of the
   * event loop go to the database in one statement (docs/decisions.md#audit-group-commit).
   */
  record(event: AuditEvent): Promise<void> {
    const detail = event.detail ? scrub(event.detail) : null;
    const recorded: AuditRecord = {
      id: sortableId(),
      at: this.clock.nowSeconds(),
      type: event.type,
      userId: event.userId ?? null,
      clientId: event.clientId ?? null,
      address: event.address ?? null,
      detail,
      actor: event.actor ?? this.actors.getStore() ?? null,
    };
    return new Promise((written) => {
      this.pending.push({ event: recorded, written });
      if (this.pending.length === 1) setImmediate(() => void this.flush());
    });
  }

  private async flush(): Promise<void> {
    const batch = this.pending.splice(0, MAX_BATCH);
    if (this.pending.length > 0) setImmediate(() => void this.flush());
    try {
      await this.store.append(batch.map((p) => p.event));
    } catch (err) {
      this.logger?.warn({ err, audit: batch.map((p) => p.event.type) }, 'audit events not recorded');
    } finally {
      for (const p of batch) p.written();
    }
  }

  /**
   * Runs `work` on behalf of `actor` (`user:<id>`, `client:<id>`, `cli`): every event recorded
   * within it, however deep (a client saved through the audited store, a key rotated), names them.
   */
  actingAs<T>(actor: string, work: () => Promise<T>): Promise<T> {
    return this.actors.run(actor, work);
  }

  list(filter: AuditEventFilter = {}): Promise<AuditRecord[]> {
    return this.store.list(filter);
  }
}

/** Rows per INSERT: 7 parameters each stays well under SQLite's limit of 32766. */
const MAX_BATCH = 500;

let sequence = 0;

/** Ids sort in the order events were recorded (milliseconds, then a per-process sequence), then at random. */
function sortableId(): string {
  sequence = (sequence + 1) % 1296;
  return Date.now().toString(36).padStart(9, '0') + sequence.toString(36).padStart(2, '0') + randomToken(9);
}

/** Keeps plain facts only: drops secret-looking names, nested objects, and overlong strings. */
function scrub(detail: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(detail)) {
    if (SECRET_FIELD.test(name) || value === undefined) continue;
    if (typeof value === 'string') out[name] = value.length > 300 ? `${value.slice(0, 300)}…` : value;
    else if (typeof value === 'number' || typeof value === 'boolean' || value === null) out[name] = value;
    else if (Array.isArray(value) && value.every((v) => typeof v === 'string')) out[name] = value.slice(0, 50);
  }
  return out;
}
