import type { UserDirectory } from '../accounts/user-directory.js';
import type { ClientRegistry } from '../clients/client-registry.js';
import type { Config } from '../config/load-config.js';
import { GRANT_DEVICE_CODE } from '../clients/client.js';
import { PLAYGROUND_CALLBACK_PATH } from '../playground/playground-client.js';

/** The client metadata (RFC 7591 names) a demo client registers with. */
type DemoClient = {
  client_id: string;
  client_secret?: string;
  client_name: string;
  redirect_uris?: string[];
  post_logout_redirect_uris?: string[];
  grant_types: string[];
  response_types: string[];
  token_endpoint_auth_method: string;
};

/** Dev mode's demo clients: the ones the walkthrough uses, with the secrets it shows. */
export const DEMO_CLIENTS: DemoClient[] = [
  {
    client_id: 'web_application',
    client_secret: 'bar',
    client_name: 'Demo web application',
    redirect_uris: ['http://example.local:3000/autorization', 'https://myapp.com/autorization', 'http://localhost:8080/callback'],
    post_logout_redirect_uris: ['http://localhost:8080/'],
    grant_types: ['authorization_code', 'refresh_token'],
    response_types: ['code'],
    token_endpoint_auth_method: 'client_secret_post',
  },
  {
    client_id: 'my_client_id',
    client_secret: 'my_client_secret',
    client_name: 'My App',
    redirect_uris: ['https://myapp.com/autorization'],
    grant_types: ['authorization_code', 'refresh_token'],
    response_types: ['code'],
    token_endpoint_auth_method: 'client_secret_basic',
  },
  {
    client_id: 'spa_application',
    client_name: 'Demo single-page app (public, PKCE)',
    redirect_uris: ['http://localhost:8080/callback'],
    grant_types: ['authorization_code', 'refresh_token'],
    response_types: ['code'],
    token_endpoint_auth_method: 'none',
  },
  {
    client_id: 'service_application',
    client_secret: 'service_secret',
    client_name: 'Demo service',
    grant_types: ['client_credentials'],
    response_types: [],
    token_endpoint_auth_method: 'client_secret_post',
  },
  {
    client_id: 'mobile_application',
    client_name: 'Demo TV / CLI app',
    grant_types: [GRANT_DEVICE_CODE, 'refresh_token'],
    response_types: [],
    token_endpoint_auth_method: 'none',
  },
];

export const DEMO_USER = {
  username: 'demo',
  password: 'demo-password',
  claims: {
    name: 'Demo User',
    given_name: 'Demo',
    family_name: 'User',
    email: 'demo@example.com',
    email_verified: true,
    phone_number: '+1 555 0100',
    phone_number_verified: false,
    address: { street_address: '1 Main Street', locality: 'Springfield', country: 'US' },
  },
};

export interface DevDemoDeps {
  config: Pick<Config, 'issuer'>;
  clients: Pick<ClientRegistry, 'save'>;
  users: Pick<UserDirectory, 'upsert'>;
}

/**
 * The demo clients as dev mode registers them at `issuer`: the walkthrough's redirect URIs stay as
 * written, and each client that redirects may also come back to the playground's callback, a page
 * that exists, instead of ending on an unreachable demo address after "Allow".
 */
export function demoClients(issuer: string): DemoClient[] {
  return DEMO_CLIENTS.map((client) =>
    client.redirect_uris?.length ? { ...client, redirect_uris: [...client.redirect_uris, `${issuer}${PLAYGROUND_CALLBACK_PATH}`] } : client,
  );
}

/** Seeds the demo clients and user (idempotent) and returns the text printed at startup. */
export async function seedDevDemo(deps: DevDemoDeps): Promise<string> {
  const { issuer } = deps.config;
  const clients = demoClients(issuer);
  for (const client of clients) {
    // The walkthrough's web client redirects to http://example.local; only dev mode allows that.
    await deps.clients.save(client, 'dev', {}, { allowInsecureHttp: true });
  }
  await deps.users.upsert(DEMO_USER.username, DEMO_USER.password, DEMO_USER.claims);
  const lines = [
    '',
    `Tessera (dev mode) is running.`,
    '',
    `  Open this first: ${issuer}/playground  (pick a flow, click, sign in as ${DEMO_USER.username} / ${DEMO_USER.password})`,
    '',
    `  issuer:    ${issuer}`,
    `  discovery: ${issuer}/.well-known/openid-configuration`,
    '',
    'Demo clients:',
  ];
  for (const c of clients) {
    lines.push(`  ${c.client_id}  (${c.client_name})`);
    lines.push(`    auth method:   ${c.token_endpoint_auth_method}${c.client_secret ? `, secret: ${c.client_secret}` : ''}`);
    lines.push(`    grant types:   ${c.grant_types.join(', ')}`);
    if (c.redirect_uris?.length) lines.push(`    redirect URIs: ${c.redirect_uris.join(', ')}`);
  }
  lines.push('', `Demo user: ${DEMO_USER.username} / ${DEMO_USER.password}`, '');
  return lines.join('\n');
}
