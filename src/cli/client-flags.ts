import { readFileSync } from 'node:fs';
import { UsageError, jsonObjectFlag } from './args.js';

/** Metadata flags of `clients create` and `clients update`, each an RFC 7591 member. */
export const CLIENT_METADATA_FLAGS = {
  id: { type: 'string' },
  name: { type: 'string' },
  'redirect-uri': { type: 'string', multiple: true },
  'post-logout-redirect-uri': { type: 'string', multiple: true },
  'grant-type': { type: 'string', multiple: true },
  'response-type': { type: 'string', multiple: true },
  'auth-method': { type: 'string' },
  scope: { type: 'string' },
  'jwks-uri': { type: 'string' },
  'application-type': { type: 'string' },
  'subject-type': { type: 'string' },
  'sector-identifier-uri': { type: 'string' },
  'admin-scope': { type: 'string', multiple: true },
  metadata: { type: 'string' },
  'metadata-file': { type: 'string' },
} as const;

export const CLIENT_METADATA_HELP = `      --name NAME                       client_name
      --redirect-uri URI                redirect_uris (repeat for several)
      --post-logout-redirect-uri URI    post_logout_redirect_uris (repeatable)
      --grant-type TYPE                 grant_types (repeatable): authorization_code, refresh_token,
                                        client_credentials, urn:ietf:params:oauth:grant-type:device_code,
                                        urn:ietf:params:oauth:grant-type:token-exchange
      --response-type TYPE              response_types (repeatable): code
      --auth-method METHOD              token_endpoint_auth_method: client_secret_basic (default),
                                        client_secret_post, client_secret_jwt, private_key_jwt, none
      --scope "A B"                     scope: the scopes the client may be granted
      --jwks-uri URL                    jwks_uri (for private_key_jwt)
      --application-type web|native     application_type
      --subject-type public|pairwise    subject_type (OIDC Core §8)
      --sector-identifier-uri URL       sector_identifier_uri: a JSON array of the redirect URIs, fetched now
      --admin-scope SCOPE               admin_scopes (repeatable): admin:read, admin:write, the admin API
                                        scopes this client may be granted (docs/admin-api.md)
      --metadata JSON                   any RFC 7591 metadata as a JSON object (flags win over it)
      --metadata-file FILE              the same, read from a JSON file`;

type Values = Partial<Record<keyof typeof CLIENT_METADATA_FLAGS, string | string[] | boolean>>;

/** RFC 7591 metadata from --metadata / --metadata-file, then the individual flags over it. */
export function metadataFromFlags(values: Values): Record<string, unknown> {
  const metadata: Record<string, unknown> = {};
  if (typeof values['metadata-file'] === 'string') {
    let text: string;
    try {
      text = readFileSync(values['metadata-file'], 'utf8');
    } catch (err) {
      throw new UsageError(`cannot read --metadata-file ${values['metadata-file']}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
    }
    Object.assign(metadata, jsonObjectFlag('--metadata-file', text));
  }
  if (typeof values.metadata === 'string') Object.assign(metadata, jsonObjectFlag('--metadata', values.metadata));
  const map: [keyof Values, string][] = [
    ['id', 'client_id'],
    ['name', 'client_name'],
    ['redirect-uri', 'redirect_uris'],
    ['post-logout-redirect-uri', 'post_logout_redirect_uris'],
    ['grant-type', 'grant_types'],
    ['response-type', 'response_types'],
    ['auth-method', 'token_endpoint_auth_method'],
    ['scope', 'scope'],
    ['jwks-uri', 'jwks_uri'],
    ['application-type', 'application_type'],
    ['subject-type', 'subject_type'],
    ['sector-identifier-uri', 'sector_identifier_uri'],
    ['admin-scope', 'admin_scopes'],
  ];
  for (const [flag, member] of map) if (values[flag] !== undefined) metadata[member] = values[flag];
  if ('client_secret' in metadata) throw new UsageError('a client secret is generated, not given: leave client_secret out of the metadata');
  return metadata;
}
