import type { Kysely } from 'kysely';

/**
 * RFC 9449: the JWK SHA-256 thumbprint (RFC 7638) a row is bound to. An authorization code
 * requested with `dpop_jkt` (§10), a public client's refresh token (§5) and a DPoP-bound
 * access token (§6, its `cnf.jkt`) keep it; null where nothing is bound (every earlier row).
 */
export async function up(db: Kysely<any>): Promise<void> {
  for (const table of ['authorization_codes', 'refresh_tokens', 'access_tokens']) {
    await db.schema.alterTable(table).addColumn('dpop_jkt', 'text').execute();
  }
}
