import type { PendingRequests } from './pending-request.js';
import { sealedOfResumePath } from './resume-path.js';

/**
 * What the sign-in pages show of the authorization request a return_to resumes: the app's name
 * ("to continue to ...") and its `ui_locales` (OIDC Core §3.1.2.1), so every page of the
 * interaction speaks the language the app asked for. Empty when return_to resumes nothing.
 */
export function describeReturnTo(
  pending: Pick<PendingRequests, 'unseal'>,
  returnTo: string | undefined,
): { clientName?: string; uiLocales?: string } {
  const unsealed = pending.unseal(sealedOfResumePath(returnTo));
  if (!unsealed) return {};
  return { clientName: unsealed.request.clientName ?? unsealed.request.clientId, uiLocales: unsealed.request.uiLocales };
}
