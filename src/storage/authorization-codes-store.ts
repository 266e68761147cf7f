import type { Db } from './database.js';
import type { AuthorizationCodeRow } from './schema.js';
import type { AuthorizationCodeRecord, AuthorizationCodesStore } from './ports.js';
import { toGrantRow } from './grants-store.js';
import { readClaimsRequest, readStringList, writeClaimsRequest, writeStringList } from './json-columns.js';

export function authorizationCodesStore(db: Db): AuthorizationCodesStore {
  return {
    async issue(grant, code) {
      await db.transaction().execute(async (trx) => {
        await trx.insertInto('grants').values(toGrantRow(grant)).execute();
        await trx.insertInto('authorization_codes').values(toRow(code)).execute();
        if (code.sid !== null) {
          await trx
            .insertInto('session_clients')
            .values({ sid: code.sid, client_id: code.clientId, created_at: code.createdAt })
            .onConflict((oc) => oc.columns(['sid', 'client_id']).doNothing())
            .execute();
        }
      });
    },
    async consume(codeHash, now) {
      const row = await db
        .updateTable('authorization_codes')
        .set({ consumed_at: now })
        .where('code_hash', '=', codeHash)
        .where('consumed_at', 'is', null)
        .returningAll()
        .executeTakeFirst();
      if (row) return { record: toRecord(row) };
      const replayed = await db.selectFrom('authorization_codes').selectAll().where('code_hash', '=', codeHash).executeTakeFirst();
      return { replayed: replayed && toRecord(replayed) };
    },
  };
}

function toRow(code: AuthorizationCodeRecord): AuthorizationCodeRow {
  return {
    code_hash: code.codeHash,
    grant_id: code.grantId,
    client_id: code.clientId,
    user_id: code.userId,
    redirect_uri: code.redirectUri,
    scope: code.scope,
    nonce: code.nonce,
    code_challenge: code.codeChallenge,
    code_challenge_method: code.codeChallengeMethod,
    claims: writeClaimsRequest(code.claims),
    resource: code.resource,
    auth_time: code.authTime,
    acr: code.acr,
    amr: writeStringList(code.amr),
    sid: code.sid,
    created_at: code.createdAt,
    expires_at: code.expiresAt,
    consumed_at: code.consumedAt,
    dpop_jkt: code.dpopJkt ?? null,
  };
}

function toRecord(row: AuthorizationCodeRow): AuthorizationCodeRecord {
  return {
    codeHash: row.code_hash,
    grantId: row.grant_id,
    clientId: row.client_id,
    userId: row.user_id,
    redirectUri: row.redirect_uri,
    scope: row.scope,
    nonce: row.nonce,
    codeChallenge: row.code_challenge,
    codeChallengeMethod: row.code_challenge_method,
    claims: readClaimsRequest(row.claims),
    resource: row.resource,
    authTime: row.auth_time,
    acr: row.acr,
    amr: readStringList(row.amr),
    sid: row.sid,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    consumedAt: row.consumed_at,
    dpopJkt: row.dpop_jkt,
  };
}
