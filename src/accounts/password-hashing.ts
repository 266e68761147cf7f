import { availableParallelism } from 'node:os';
import argon2 from 'argon2';

/**
 * argon2id with OWASP's minimum parameters (19 MiB, 2 passes, 1 lane). The binding hashes
 * on libuv's thread pool, so sign-ins never block the event loop.
 */
export const PASSWORD_HASH_OPTIONS = { type: argon2.argon2id, memoryCost: 19456, timeCost: 2, parallelism: 1 } as const;

/**
 * Hashes running at once: one per core, so that a thread of the pool tokens are signed on
 * stays free (docs/decisions.md#argon2-semaphore).
 */
const THREADS = Number(process.env.UV_THREADPOOL_SIZE) || 4;
const MAX_RUNNING = Math.max(1, Math.min(availableParallelism(), THREADS - 1));
let running = 0;
const waiting: (() => void)[] = [];

async function limited<T>(work: () => Promise<T>): Promise<T> {
  // A finishing hash hands its slot straight to the next waiter, so the count never overshoots.
  if (running < MAX_RUNNING) running++;
  else await new Promise<void>((resolve) => waiting.push(resolve));
  try {
    return await work();
  } finally {
    const next = waiting.shift();
    if (next) next();
    else running--;
  }
}

export function hashPassword(password: string): Promise<string> {
  return limited(() => argon2.hash(password, PASSWORD_HASH_OPTIONS));
}

/**
 * The stored hash of a user with no password (created through another provider): not an argon2
 * hash, so no password ever verifies against it.
 */
export const NO_PASSWORD = '!no-password';

/** Verifies in constant time; a malformed stored hash counts as a mismatch. */
export async function verifyPassword(hash: string, password: string): Promise<boolean> {
  try {
    return await limited(() => argon2.verify(hash, password));
  } catch {
    return false;
  }
}

/** A hash of a random password, verified against when the username is unknown, so timing does not reveal which usernames exist. */
let decoy: Promise<string> | undefined;
export function decoyHash(): Promise<string> {
  decoy ??= hashPassword(`decoy-${Math.random()}`);
  return decoy;
}
