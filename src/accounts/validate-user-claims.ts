/** OIDC Core §5.1: types of the standard claims, so every token and userinfo answer is well-typed. */
const STRING_CLAIMS = [
  'name',
  'given_name',
  'family_name',
  'middle_name',
  'nickname',
  'preferred_username',
  'profile',
  'picture',
  'website',
  'email',
  'gender',
  'birthdate',
  'zoneinfo',
  'locale',
  'phone_number',
];
const BOOLEAN_CLAIMS = ['email_verified', 'phone_number_verified'];
const RESERVED = ['sub', 'iss', 'aud', 'exp', 'iat', 'auth_time', 'nonce', 'acr', 'amr', 'azp', 'at_hash', 'c_hash', 'sid', 'jti'];

export function validateUserClaims(claims: Record<string, unknown>): Record<string, unknown> {
  for (const [name, value] of Object.entries(claims)) {
    if (RESERVED.includes(name)) throw new TypeError(`claims.${name} is reserved for tokens`);
    if (STRING_CLAIMS.includes(name) && (typeof value !== 'string' || value.trim() === ''))
      throw new TypeError(`claims.${name} must be a non-empty string`);
    if (BOOLEAN_CLAIMS.includes(name) && typeof value !== 'boolean') throw new TypeError(`claims.${name} must be true or false`);
    if (name === 'updated_at' && typeof value !== 'number') throw new TypeError('claims.updated_at must be a number of seconds');
    if (name === 'groups' && (!Array.isArray(value) || !value.every((group) => typeof group === 'string' && group !== '')))
      throw new TypeError('claims.groups must be a list of group names');
    if (name === 'address' && (typeof value !== 'object' || value === null || Array.isArray(value)))
      throw new TypeError('claims.address must be an object');
    if (name === 'birthdate' && !/^(\d{4}|\d{4}-\d{2}-\d{2}|0000-\d{2}-\d{2})$/.test(value as string))
      throw new TypeError('claims.birthdate must be YYYY, YYYY-MM-DD or 0000-MM-DD');
  }
  return claims;
}
