import type { Provider } from '../provider.js';
import type { CsrfOptions } from '../session/csrf.js';

/** The CSRF settings of this provider's pages (key derived from TESSERA_SECRET). */
export function csrfOptions(provider: Provider): CsrfOptions {
  return { key: provider.interactionSecrets.csrfKey, secure: provider.config.issuer.startsWith('https:') };
}
