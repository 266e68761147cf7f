import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { LoadResult, LoadSpec, SignInResult, SignInSpec } from '../load/load-spec.js';

/** The orchestrator's handle on the load process: one job at a time, over IPC. */
export class LoadClient {
  private readonly child: ChildProcess;
  private nextId = 0;
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();

  constructor() {
    this.child = fork(fileURLToPath(new URL('../load/load-worker.ts', import.meta.url)), [], {
      execArgv: ['--import', 'tsx'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    this.child.on('message', (message: { id: number; result?: unknown; error?: string }) => {
      const waiter = this.pending.get(message.id);
      this.pending.delete(message.id);
      if (message.error) waiter?.reject(new Error(message.error));
      else waiter?.resolve(message.result);
    });
    this.child.on('exit', (code) => {
      for (const waiter of this.pending.values()) waiter.reject(new Error(`the load process exited (${code})`));
      this.pending.clear();
    });
  }

  private job<T>(type: string, spec: unknown): Promise<T> {
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.child.send({ id, type, spec });
    });
  }

  load(spec: LoadSpec): Promise<LoadResult> {
    return this.job('load', spec);
  }

  signIns(spec: SignInSpec): Promise<SignInResult> {
    return this.job('sign-ins', spec);
  }

  close(): void {
    this.child.disconnect();
  }
}
