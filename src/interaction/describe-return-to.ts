import type { Provider } from '../provider.js';
import { unsealRequest } from '../authorize/pending-request.js';

/** The name of the app a sign-in is for, when return_to resumes an authorization request. */
export function describeReturnTo(provider: Provider, returnTo: string | undefined): string | undefined {
  if (!returnTo?.startsWith('/auth/resume?')) return undefined;
  const sealed = new URLSearchParams(returnTo.slice('/auth/resume?'.length)).get('interaction') ?? undefined;
  const pending = unsealRequest(provider, sealed);
  return pending ? pending.request.clientName ?? pending.request.clientId : undefined;
}
