import type { FastifyBaseLogger } from 'fastify';
import type { SubjectIdentifiers } from '../accounts/subject-for-client.js';
import type { ClientRegistry } from '../clients/client-registry.js';
import type { Client } from '../clients/client.js';
import type { KeySet } from '../keys/key-set.js';
import type { Sessions } from '../session/sessions.js';
import type { Clock } from '../util/clock.js';
import type { OutboundFetch } from '../outbound/outbound-fetch.js';
import { OutboundRefused } from '../outbound/checked-lookup.js';
import { signLogoutToken } from './logout-token.js';

export interface BackchannelLogoutOptions {
  issuer: string;
  keys: KeySet;
  clients: Pick<ClientRegistry, 'find'>;
  /** The `sub` each client knows the user by (public or pairwise, OIDC Core §8). */
  subjects: Pick<SubjectIdentifiers, 'forClient'>;
  sessions: Pick<Sessions, 'clientsOf'>;
  logger: FastifyBaseLogger;
  clock: Clock;
  /** The SSRF-safe fetcher: address policy, no redirects, deadline and size cap. */
  fetch: OutboundFetch;
  /** Milliseconds one delivery attempt may take (default: the fetcher's, `outbound.timeout`). */
  timeoutMs?: number;
  /** Attempts after the first one, for network errors and 5xx answers. */
  retries?: number;
  /** Milliseconds before the first retry; doubles each time. */
  retryDelayMs?: number;
}

/**
 * Back-Channel Logout §2.5-§2.8: tells every client that took part in a browser session that
 * it has ended, by POSTing a logout token to its backchannel_logout_uri. Runs in the
 * background: a slow or dead client never delays the person's logout.
 */
export class BackchannelLogout {
  private readonly inFlight = new Set<Promise<void>>();
  private readonly abort = new AbortController();

  constructor(private readonly options: BackchannelLogoutOptions) {}

  /** Starts the deliveries for a session that just ended and returns at once. */
  notify(session: { sid: string; userId: string }): void {
    const task = this.deliverAll(session).catch((err) => this.options.logger.warn({ err, sid: session.sid }, 'back-channel logout failed'));
    this.inFlight.add(task);
    void task.finally(() => this.inFlight.delete(task));
  }

  /** Resolves when every started delivery has finished (tests, graceful shutdown). */
  async idle(): Promise<void> {
    await Promise.allSettled([...this.inFlight]);
  }

  /** Abandons deliveries in progress (the server is stopping). */
  async close(): Promise<void> {
    this.abort.abort();
    await this.idle();
  }

  private async deliverAll(session: { sid: string; userId: string }): Promise<void> {
    const clientIds = await this.options.sessions.clientsOf(session.sid);
    const clients = await Promise.all(clientIds.map((id) => this.options.clients.find(id)));
    await Promise.all(
      clients
        .filter((c): c is Client => c?.metadata.backchannel_logout_uri !== undefined)
        .map(async (client) => {
          const sub = this.options.subjects.forClient(client, session.userId);
          const token = await signLogoutToken(
            this.options.keys,
            this.options.issuer,
            client,
            { sid: session.sid, sub },
            this.options.clock.nowSeconds(),
          );
          await this.deliver(client, token);
        }),
    );
  }

  private async deliver(client: Client, token: string): Promise<void> {
    const uri = client.metadata.backchannel_logout_uri as string;
    const attempts = 1 + (this.options.retries ?? 2);
    let delay = this.options.retryDelayMs ?? 1000;
    for (let attempt = 1; attempt <= attempts; attempt++) {
      if (this.abort.signal.aborted) return;
      let outcome: string;
      try {
        // §2.5: POST, form-encoded, the token as the only parameter logout_token. Redirects are not followed.
        const response = await this.options.fetch(uri, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({ logout_token: token }).toString(),
          signal: this.abort.signal,
          timeoutMs: this.options.timeoutMs,
        });
        // §2.8: 200 (or 204) means done; a 4xx means the client refused this token, so retrying is useless.
        if (response.status >= 200 && response.status < 300) {
          this.options.logger.info({ client_id: client.clientId }, 'back-channel logout delivered');
          return;
        }
        if (response.status < 500) {
          this.options.logger.warn({ client_id: client.clientId, status: response.status }, 'back-channel logout refused by the client');
          return;
        }
        outcome = `HTTP ${response.status}`;
      } catch (err) {
        // An address the policy refuses stays refused: no retry.
        if (err instanceof OutboundRefused) {
          this.options.logger.warn(
            { client_id: client.clientId, reason: (err as Error).message },
            'back-channel logout not sent: address refused',
          );
          return;
        }
        outcome = (err as Error).message;
      }
      this.options.logger.warn({ client_id: client.clientId, attempt, outcome }, 'back-channel logout attempt failed');
      if (attempt < attempts) {
        await sleep(delay, this.abort.signal);
        delay *= 2;
      }
    }
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    timer.unref();
    signal.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        resolve();
      },
      { once: true },
    );
  });
}
