import type { ClientAuthMethod } from './client-auth-method.js';

/** A public client identifies itself by client_id alone (RFC 6749 §2.1); PKCE protects its codes. */
export function noClientAuthentication(): ClientAuthMethod {
  return {
    name: 'none',
    async verify() {},
  };
}
