import type { ClientRegistry } from '../clients/client-registry.js';
import { ADMIN_READ, ADMIN_WRITE, adminApiResource } from '../rules/admin-scopes.js';

/** The admin console's client id: a public client of Tessera itself. */
export const ADMIN_CONSOLE_CLIENT_ID = 'tessera-admin-console';

/**
 * The console's registration: a public client (it runs in the browser) using the code flow
 * with PKCE S256, returning to <issuer>/admin/callback, that may ask for the admin API as its
 * resource and for both admin scopes. Who gets them is decided per person (the admin role).
 */
export function adminConsoleClientMetadata(issuer: string): Record<string, unknown> {
  return {
    client_id: ADMIN_CONSOLE_CLIENT_ID,
    client_name: 'Tessera admin console',
    redirect_uris: [`${issuer}/admin/callback`],
    post_logout_redirect_uris: [`${issuer}/admin`],
    grant_types: ['authorization_code', 'refresh_token'],
    response_types: ['code'],
    token_endpoint_auth_method: 'none',
    require_pkce_s256: true,
    scope: 'openid profile',
    admin_scopes: [ADMIN_READ, ADMIN_WRITE],
    resources: [adminApiResource(issuer).identifier],
  };
}

export interface EnsureConsoleClientDeps {
  issuer: string;
  /** Dev mode: http issuers on any host, as dev mode's other clients. */
  dev: boolean;
  /** adminApi.enabled: the console and its client exist only with the API. */
  enabled: boolean;
  clients: Pick<ClientRegistry, 'save' | 'find' | 'delete'>;
}

/**
 * At every start: the console's client registered (or brought up to date) while the admin API
 * is on, and deleted when it is off, so turning the API off leaves no way in.
 */
export async function ensureAdminConsoleClient(deps: EnsureConsoleClientDeps): Promise<void> {
  if (deps.enabled) {
    await deps.clients.save(adminConsoleClientMetadata(deps.issuer), 'admin-console', {}, { allowInsecureHttp: deps.dev });
    return;
  }
  const existing = await deps.clients.find(ADMIN_CONSOLE_CLIENT_ID);
  if (existing?.origin === 'admin-console') await deps.clients.delete(ADMIN_CONSOLE_CLIENT_ID);
}
