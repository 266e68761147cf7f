import { createHash } from 'node:crypto';
import type { Provider } from '../../src/provider.js';
import { nowSeconds } from '../../src/storage/database.js';
import type { AuthorizationCodeRecord } from '../../src/storage/authorization-codes-store.js';
import { hashToken } from '../../src/util/hashing.js';
import { randomToken } from '../../src/util/random.js';

export interface IssuedCode {
  code: string;
  grantId: string;
  record: AuthorizationCodeRecord;
}

/**
 * Creates a grant and an authorization code the way the /auth endpoint does (the contract of
 * provider.grantsStore.insert + provider.codes.insert), so the token side can be tested on its
 * own. `overrides` change any column of the code row.
 */
export async function issueCode(provider: Provider, clientId: string, userId: string, overrides: Partial<AuthorizationCodeRecord> = {}): Promise<IssuedCode> {
  const now = nowSeconds();
  const code = randomToken(32);
  const grantId = overrides.grant_id ?? randomToken(16);
  const record: AuthorizationCodeRecord = {
    code_hash: hashToken(code),
    grant_id: grantId,
    client_id: clientId,
    user_id: userId,
    redirect_uri: 'https://app.example/cb',
    scope: 'openid',
    nonce: null,
    code_challenge: null,
    code_challenge_method: null,
    claims: null,
    resource: null,
    auth_time: now - 5,
    acr: null,
    amr: null,
    sid: null,
    created_at: now,
    expires_at: now + 60,
    consumed_at: null,
    ...overrides,
  };
  if (!(await provider.grantsStore.find(grantId))) {
    await provider.grantsStore.insert({ id: grantId, user_id: userId, client_id: clientId, scope: record.scope, sid: record.sid, created_at: now, expires_at: now + 86400, revoked_at: null });
  }
  await provider.codes.insert(record);
  return { code, grantId, record };
}

/** An RFC 7636 verifier and its S256 challenge. */
export function pkcePair(): { verifier: string; challenge: string } {
  const verifier = randomToken(48);
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

/** POSTs a form to the token endpoint; returns status, headers and parsed JSON. */
export async function postToken(url: string, form: Record<string, string>, headers: Record<string, string> = {}) {
  const response = await fetch(`${url}/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams(form),
  });
  return { status: response.status, headers: response.headers, body: (await response.json()) as Record<string, any> };
}
