import { Type, type Static } from 'typebox';
import { Time } from './common-schemas.js';

const Uris = (description: string) => Type.Array(Type.String({ maxLength: 2000 }), { maxItems: 100, description });

/**
 * RFC 7591 §2 metadata as the admin API takes it. The schema checks shapes only; what the
 * values mean (redirect URI rules, grant and method combinations, known scopes) is checked by
 * the one validator every path uses (src/clients/validate-client-metadata.ts), so config, CLI,
 * dynamic registration and this API accept exactly the same clients.
 */
const metadataMembers = {
  client_name: Type.Optional(Type.String({ maxLength: 200 })),
  redirect_uris: Type.Optional(Uris('where the client receives codes')),
  post_logout_redirect_uris: Type.Optional(Uris('where the client may be sent after logout')),
  grant_types: Type.Optional(Type.Array(Type.String(), { maxItems: 10 })),
  response_types: Type.Optional(Type.Array(Type.String(), { maxItems: 10 })),
  token_endpoint_auth_method: Type.Optional(
    Type.String({ description: 'client_secret_basic (default), client_secret_post, client_secret_jwt, private_key_jwt, none' }),
  ),
  scope: Type.Optional(Type.String({ description: 'space-separated scopes the client may be granted' })),
  admin_scopes: Type.Optional(
    Type.Array(Type.String(), { description: 'admin API scopes (admin:read, admin:write) the client may be granted' }),
  ),
  application_type: Type.Optional(Type.String({ description: 'web or native' })),
  jwks_uri: Type.Optional(Type.String()),
  client_uri: Type.Optional(Type.String()),
  logo_uri: Type.Optional(Type.String()),
  backchannel_logout_uri: Type.Optional(Type.String()),
};

export const ClientInputSchema = Type.Object(
  { client_id: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: 'generated when absent' })), ...metadataMembers },
  { additionalProperties: true, description: 'RFC 7591 client metadata (Tessera extensions included)' },
);
export type ClientInput = Static<typeof ClientInputSchema>;

/** RFC 7396 merge patch of the metadata: a member set to null goes back to its default. */
export const ClientPatchSchema = Type.Object(
  {},
  { additionalProperties: true, minProperties: 1, description: 'the metadata members to change (JSON merge patch, RFC 7396)' },
);

export const ClientSchema = Type.Object(
  {
    client_id: Type.String(),
    ...metadataMembers,
    origin: Type.String({ description: 'where it was registered: config, cli, registration, admin-api, admin-console, playground' }),
    created_at: Time(),
  },
  { $id: 'Client', additionalProperties: true },
);

export const CreatedClientSchema = Type.Object(
  { client_id: Type.String(), client_secret: Type.Optional(Type.String({ description: 'shown this once, never again' })) },
  { additionalProperties: true },
);

export const SecretSchema = Type.Object({ client_secret: Type.String({ description: 'the new secret, shown this once' }) });

export const ClientIdParams = Type.Object({ client_id: Type.String({ minLength: 1, maxLength: 200 }) });
