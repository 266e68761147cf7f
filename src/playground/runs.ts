import type { JSONWebKeySet } from 'jose';
import type { Exchange } from './exchange.js';
import { randomToken } from '../util/random.js';

export const FLOWS = ['code', 'client_credentials', 'device'] as const;
export type FlowName = (typeof FLOWS)[number];

export const FLOW_TITLES: Record<FlowName, string> = {
  code: 'Authorization code + PKCE, consent, then refresh',
  client_credentials: 'Client credentials',
  device: 'Device authorization (TV / CLI)',
};

/** Marks the state values the playground makes, to tell its own responses from other clients' (RFC 6749 §10.12). */
export const STATE_PREFIX = 'pg.';

export interface DeviceProgress {
  deviceCode: string;
  userCode: string;
  verificationUri: string;
  verificationUriComplete: string;
  interval: number;
  expiresAt: number;
  polls: number;
  done: boolean;
}

/** One run of a flow: what the playground sent and received, and what it must remember between steps. */
export interface Run {
  id: string;
  /** The browser that started it (its playground cookie): only that browser sees it or completes it. */
  browser: string;
  flow: FlowName;
  createdAt: number;
  /** Where the playground's server side reaches Tessera: the address this process listens on. */
  base: string;
  exchanges: Exchange[];
  /** Values masked on the page until revealed. */
  secrets: Set<string>;
  /** A sentence saying where the flow stands. */
  status: string;
  /** True once the flow ended in tokens; false once it failed; undefined while it goes on. */
  succeeded?: boolean;
  pkceMethod?: 'S256' | 'plain';
  state?: string;
  nonce?: string;
  codeVerifier?: string;
  tokens: { access_token?: string; refresh_token?: string; id_token?: string };
  jwks?: JSONWebKeySet;
  device?: DeviceProgress;
}

const KEEP_SECONDS = 3600;
const MAX_RUNS = 500;

/**
 * The runs of this process, in memory: a playground run lives as long as someone looks at it
 * (an hour at most, 500 at most), and the browser that started it must come back to this process.
 */
export class PlaygroundRuns {
  private readonly runs = new Map<string, Run>();

  create(flow: FlowName, browser: string, base: string, nowSeconds: number): Run {
    this.sweep(nowSeconds);
    const run: Run = {
      id: randomToken(16),
      browser,
      flow,
      createdAt: nowSeconds,
      base,
      exchanges: [],
      secrets: new Set(),
      status: 'Starting.',
      tokens: {},
    };
    this.runs.set(run.id, run);
    return run;
  }

  find(id: string): Run | undefined {
    return this.runs.get(id);
  }

  /** The run whose authorization request carried `state`. */
  findByState(state: string): Run | undefined {
    for (const run of this.runs.values()) if (run.state === state) return run;
    return undefined;
  }

  private sweep(nowSeconds: number): void {
    for (const [id, run] of this.runs) {
      if (run.createdAt + KEEP_SECONDS < nowSeconds || this.runs.size >= MAX_RUNS) {
        if (run.device) run.device.done = true;
        this.runs.delete(id);
      }
    }
  }
}
