import type { Config } from '../config/load-config.js';
import { GRANT_DEVICE_CODE } from '../clients/client.js';
import { deriveKey } from '../util/secret-box.js';

export const PLAYGROUND_CLIENT_ID = 'playground';
/** Where the playground's demo client (and, in dev mode, every demo client) may be redirected. */
export const PLAYGROUND_CALLBACK_PATH = '/playground/callback';

/** The playground runs in dev mode, and outside it only when `playground.enabled` is set. */
export function playgroundEnabled(config: Pick<Config, 'dev' | 'playground'>): boolean {
  return config.dev || config.playground.enabled;
}

/** The demo client the playground signs in with. Its secret is derived from the server secret: stable, never stored in clear. */
export interface PlaygroundClient {
  clientId: string;
  clientSecret: string;
  redirectUri: string;
}

export function playgroundClient(issuer: string, secret: string): PlaygroundClient {
  return {
    clientId: PLAYGROUND_CLIENT_ID,
    clientSecret: deriveKey(secret, 'playground-client').toString('base64url'),
    redirectUri: `${issuer}${PLAYGROUND_CALLBACK_PATH}`,
  };
}

/** Its RFC 7591 metadata: one confidential client for every flow the playground runs. */
export function playgroundClientMetadata(client: PlaygroundClient): Record<string, unknown> {
  return {
    client_id: client.clientId,
    client_secret: client.clientSecret,
    client_name: 'Tessera playground',
    redirect_uris: [client.redirectUri],
    grant_types: ['authorization_code', 'refresh_token', 'client_credentials', GRANT_DEVICE_CODE],
    response_types: ['code'],
    token_endpoint_auth_method: 'client_secret_basic',
  };
}
