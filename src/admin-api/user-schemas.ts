import { Type } from 'typebox';
import { NullableTime, Time } from './common-schemas.js';

const Claims = Type.Record(Type.String(), Type.Unknown(), {
  description: 'OIDC Core §5.1 standard claims (name, email, email_verified, ...) and others of your own',
});
const Roles = Type.Array(Type.String({ pattern: '^[a-z][a-z0-9_-]{0,39}$' }), {
  maxItems: 20,
  description: 'admin: may be granted the admin API scopes',
});

export const UserSchema = Type.Object(
  {
    id: Type.String({ description: 'the stable sub of the user' }),
    username: Type.String(),
    claims: Claims,
    created_at: Time(),
    disabled: Type.Boolean(),
    disabled_at: NullableTime('when the account was disabled'),
    roles: Roles,
    mfa: Type.Object({
      totp: Type.Boolean({ description: 'an authenticator app is set up' }),
      passkeys: Type.Integer({ description: 'how many passkeys' }),
      recovery_codes: Type.Integer({ description: 'how many unused recovery codes' }),
    }),
  },
  { $id: 'User' },
);

export const NewUserSchema = Type.Object(
  {
    username: Type.String({ minLength: 1, maxLength: 100 }),
    password: Type.String({ minLength: 8, maxLength: 1024 }),
    claims: Type.Optional(Claims),
    roles: Type.Optional(Roles),
  },
  { additionalProperties: false },
);

export const UserPatchSchema = Type.Object(
  { claims: Type.Optional(Claims), roles: Type.Optional(Roles) },
  { additionalProperties: false, minProperties: 1, description: 'claims and roles replace the current ones' },
);

export const PasswordSchema = Type.Object({ password: Type.String({ minLength: 8, maxLength: 1024 }) }, { additionalProperties: false });

export const UserIdParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 200 }) });

export const LinkedIdentitySchema = Type.Object({
  connector_id: Type.String(),
  upstream_subject: Type.String(),
  upstream_username: Type.Union([Type.String(), Type.Null()]),
  email: Type.Union([Type.String(), Type.Null()]),
  created_at: Time(),
  last_used_at: NullableTime(),
});

export const SessionSchema = Type.Object({
  sid: Type.String(),
  user_agent: Type.Union([Type.String(), Type.Null()]),
  address: Type.Union([Type.String(), Type.Null()]),
  created_at: Time(),
  auth_time: Time(),
  last_seen_at: Time(),
});
