import type { FastifyRequest } from 'fastify';
import type { AdminCaller } from './authenticate-caller.js';

/** The authenticated caller of each admin API request, set once by the API's onRequest hook. */
const callers = new WeakMap<FastifyRequest, AdminCaller>();

export function setCaller(request: FastifyRequest, caller: AdminCaller): void {
  callers.set(request, caller);
}

/** The caller of a request that passed authentication (every admin API route but the OpenAPI document). */
export function callerOf(request: FastifyRequest): AdminCaller {
  const caller = callers.get(request);
  if (!caller) throw new Error('admin API route reached without an authenticated caller');
  return caller;
}
