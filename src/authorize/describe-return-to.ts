import type { PendingRequests } from './pending-request.js';
import { sealedOfResumePath } from './resume-path.js';

/** The name of the app a sign-in is for, when its return_to resumes an authorization request. */
export function describeReturnTo(pending: Pick<PendingRequests, 'unseal'>, returnTo: string | undefined): string | undefined {
  const unsealed = pending.unseal(sealedOfResumePath(returnTo));
  return unsealed ? (unsealed.request.clientName ?? unsealed.request.clientId) : undefined;
}
