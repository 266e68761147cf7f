import assert from 'node:assert/strict';
import type { CryptoKey } from 'jose';
import { systemClock } from '../../src/util/clock.js';
import { randomToken } from '../../src/util/random.js';
import { assertion, assertionForm, postForm } from '../support/token-clients.js';

export interface AssertionSetup {
  tokenUrl: () => string;
  issuer: () => string;
  clientId: string;
  key: () => CryptoKey | Uint8Array;
  alg: string;
  /** A key of the right kind that is not the client's. */
  wrongKey: () => CryptoKey | Uint8Array;
}

/** RFC 7523 §3 refusals shared by client_secret_jwt and private_key_jwt: each is 401 invalid_client. */
export function assertionRefusals(setup: AssertionSetup): [string, () => Promise<string>][] {
  const now = () => systemClock.nowSeconds();
  const make = (claims: Record<string, unknown>, key = setup.key()) =>
    assertion(key, setup.clientId, setup.issuer(), { alg: setup.alg, claims });
  return [
    ['an expired assertion', () => make({ iat: now() - 300, exp: now() - 120 })],
    ['an assertion without exp', () => make({ exp: undefined })],
    ['an iat more than 60 s in the future', () => make({ iat: now() + 120, exp: now() + 180 })],
    ['an nbf more than 60 s in the future', () => make({ nbf: now() + 120, exp: now() + 180 })],
    ['an assertion living for hours', () => make({ exp: now() + 7200 })],
    ['a wrong aud', () => make({ aud: 'https://elsewhere.example' })],
    ['an aud array without this server', () => make({ aud: ['https://elsewhere.example', `${setup.issuer()}/other`] })],
    // draft-ietf-oauth-rfc7523bis §4: the issuer as the sole audience value.
    ['an aud array holding the issuer beside another audience', () => make({ aud: ['https://other-as.example', setup.issuer()] })],
    ['the token endpoint URL as aud', () => make({ aud: setup.tokenUrl() })],
    ['another endpoint URL as aud', () => make({ aud: `${setup.issuer()}/introspect` })],
    ['iss different from the client', () => make({ iss: 'someone-else' })],
    ['no jti', () => make({ jti: undefined })],
    ['a bad signature (another key)', () => make({}, setup.wrongKey())],
    [
      'a tampered payload',
      async () => {
        const [h, , s] = (await make({})).split('.');
        const forged = Buffer.from(
          JSON.stringify({ iss: setup.clientId, sub: setup.clientId, aud: setup.issuer(), jti: randomToken(8), exp: now() + 60 }),
        ).toString('base64url');
        return `${h}.${forged}.${s}`;
      },
    ],
    [
      'alg none',
      async () => {
        const h = Buffer.from(JSON.stringify({ alg: 'none' })).toString('base64url');
        const p = Buffer.from(
          JSON.stringify({ iss: setup.clientId, sub: setup.clientId, aud: setup.issuer(), jti: randomToken(8), exp: now() + 60 }),
        ).toString('base64url');
        return `${h}.${p}.`;
      },
    ],
  ];
}

export async function assertRefused(url: string, jwt: string, label: string): Promise<void> {
  const response = await postForm(url, { grant_type: 'client_credentials', ...assertionForm(jwt) });
  assert.equal(response.status, 401, label);
  assert.equal(response.json.error, 'invalid_client', label);
  assert.equal(response.headers.get('www-authenticate'), null, label);
}

export async function assertAccepted(url: string, jwt: string, label: string): Promise<void> {
  const response = await postForm(url, { grant_type: 'client_credentials', ...assertionForm(jwt) });
  assert.equal(response.status, 200, `${label}: ${response.text}`);
}
