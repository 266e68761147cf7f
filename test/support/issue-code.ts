import { createHash } from 'node:crypto';
import type { Services } from '../../src/app/create-services.js';
import { systemClock } from '../../src/util/clock.js';
import type { AuthorizationCodeRecord } from '../../src/storage/ports.js';
import { hashToken } from '../../src/util/hashing.js';
import { randomToken } from '../../src/util/random.js';

export interface IssuedCode {
  code: string;
  grantId: string;
  record: AuthorizationCodeRecord;
}

/**
 * Creates a grant and an authorization code the way the /auth endpoint does (the contract of
 * provider.codes.issue), so the token side can be tested on its own. `overrides` change any
 * field of the code record.
 */
export async function issueCode(
  services: Services,
  clientId: string,
  userId: string,
  overrides: Partial<AuthorizationCodeRecord> = {},
): Promise<IssuedCode> {
  const now = systemClock.nowSeconds();
  const code = randomToken(32);
  const grantId = overrides.grantId ?? randomToken(16);
  const record: AuthorizationCodeRecord = {
    codeHash: hashToken(code),
    grantId,
    clientId,
    userId,
    redirectUri: 'https://app.example/cb',
    scope: 'openid',
    nonce: null,
    codeChallenge: null,
    codeChallengeMethod: null,
    claims: null,
    resource: null,
    authTime: now - 5,
    acr: null,
    amr: [],
    sid: null,
    createdAt: now,
    expiresAt: now + 60,
    consumedAt: null,
    ...overrides,
  };
  const grant = {
    id: grantId,
    userId,
    clientId,
    scope: record.scope,
    sid: record.sid,
    createdAt: now,
    expiresAt: now + 86400,
    revokedAt: null,
  };
  await services.codes.issue(grant, record);
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
