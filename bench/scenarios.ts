import { basic, OPAQUE, OPAQUE_RESOURCE, SERVICE, WEB } from './fixtures.js';
import { generateKeyPairSync } from 'node:crypto';
import type { LoadSpec, LoadStep } from './load/load-spec.js';
import { dpopProofMaker } from './load/dpop-proof-maker.js';
import { PEER_USERINFO_CLIENT } from './peer/configuration.js';
import {
  authorizePath,
  clientCredentialsTokens,
  codeFlowTokens,
  codeTokenBody,
  postForm,
  refreshTokens,
  signedInBrowser,
} from './support/flows.js';
import type { Browser } from './support/browser.js';

export type Side = 'tessera' | 'peer';

/** What a scenario needs to know of the server it prepares for. */
export interface Target {
  side: Side;
  url: string;
  discovery: Record<string, unknown>;
}

/** A prepared load, with a hook to run before each measurement (refresh tokens are used up). */
export interface Prepared {
  spec: Omit<LoadSpec, 'connections' | 'duration' | 'overallRate'>;
  beforeRun?: (spec: Prepared['spec']) => Promise<void>;
}

export interface Scenario {
  id: string;
  title: string;
  /** What one unit is: a token, a flow, an answer. */
  unit: string;
  /** Signatures per unit, and with which algorithm, for the fraction of the ceiling. */
  signatures?: { count: number; alg: 'RS256' | 'ES256' };
  /** Why Tessera cannot run it yet (an endpoint or grant missing from its discovery), or undefined. */
  missing(discovery: Record<string, unknown>): string | undefined;
  prepare(target: Target): Promise<Prepared>;
}

const form = { 'content-type': 'application/x-www-form-urlencoded' };
const path = (target: Target, member: string) => new URL(target.discovery[member] as string).pathname;
const grant = (name: string) => (d: Record<string, unknown>) =>
  (d.grant_types_supported as string[] | undefined)?.includes(name) ? undefined : `no ${name} grant in discovery`;
const endpoint = (member: string) => (d: Record<string, unknown>) => (d[member] ? undefined : `no ${member} in discovery`);
const all =
  (...checks: ((d: Record<string, unknown>) => string | undefined)[]) =>
  (d: Record<string, unknown>) =>
    checks.map((c) => c(d)).find(Boolean);

/** Scenario 10: every token request carries a fresh DPoP proof (ES256) and gets a token bound to its key. */
const dpopClientCredentials = async (target: Target): Promise<Prepared> => {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const dpop = { privateJwk: privateKey.export({ format: 'jwk' }), htu: target.discovery.token_endpoint as string };
  const step: LoadStep = {
    method: 'POST',
    path: path(target, 'token_endpoint'),
    headers: { ...form, authorization: basic(SERVICE) },
    body: 'grant_type=client_credentials',
    dpop,
  };
  // Proves the server binds the token before it is measured.
  const check = await fetch(target.url + step.path, {
    method: 'POST',
    headers: { ...step.headers, dpop: dpopProofMaker(dpop, 'POST')() },
    body: step.body,
  });
  const json = (await check.json()) as { token_type?: string };
  if (check.status !== 200 || json.token_type?.toLowerCase() !== 'dpop')
    throw new Error(`DPoP token request: ${check.status} ${JSON.stringify(json)}`);
  return { spec: { kind: 'static', url: target.url, steps: [step] } };
};

const clientCredentials = (target: Target): Prepared => ({
  spec: {
    kind: 'static',
    url: target.url,
    steps: [{ method: 'POST', path: '/token', headers: { ...form, authorization: basic(SERVICE) }, body: 'grant_type=client_credentials' }],
  },
});

/** The signed-in browser of each server, shared by the scenarios that need one (sign-in and consent happen once). */
const browsers = new Map<string, Promise<Browser>>();
const browserOf = (target: Target) => {
  if (!browsers.has(target.url)) browsers.set(target.url, signedInBrowser(target.url));
  return browsers.get(target.url) as Promise<Browser>;
};

export const SCENARIOS: Scenario[] = [
  {
    id: '1',
    title: 'client_credentials, RS256 JWT',
    unit: 'tokens/s',
    signatures: { count: 1, alg: 'RS256' },
    missing: grant('client_credentials'),
    prepare: async (t) => clientCredentials(t),
  },
  {
    id: '2',
    title: 'client_credentials, ES256 JWT',
    unit: 'tokens/s',
    signatures: { count: 1, alg: 'ES256' },
    missing: grant('client_credentials'),
    prepare: async (t) => clientCredentials(t),
  },
  {
    id: '3',
    title: 'code + PKCE flow, signed in, consent remembered (/auth → /token, AT + ID token)',
    unit: 'flows/s',
    signatures: { count: 2, alg: 'RS256' },
    missing: all(endpoint('authorization_endpoint'), grant('authorization_code')),
    async prepare(target) {
      const browser = await browserOf(target);
      await codeFlowTokens(target.url, browser, WEB); // proves the flow works before it is measured
      const steps: LoadStep[] = [
        { method: 'GET', path: authorizePath(), headers: { cookie: browser.cookieHeader() } },
        { method: 'POST', path: '/token', headers: { ...form, authorization: basic(WEB) }, body: codeTokenBody('{code}') },
      ];
      return { spec: { kind: 'code-flow', url: target.url, steps } };
    },
  },
  {
    id: '4',
    title: 'refresh_token grant, rotation (AT + ID token)',
    unit: 'tokens/s',
    signatures: { count: 2, alg: 'RS256' },
    missing: all(endpoint('authorization_endpoint'), grant('refresh_token')),
    async prepare(target) {
      const browser = await browserOf(target);
      const step: LoadStep = {
        method: 'POST',
        path: '/token',
        headers: { ...form, authorization: basic(WEB) },
        body: 'grant_type=refresh_token&refresh_token={token}',
      };
      return {
        spec: { kind: 'refresh', url: target.url, steps: [step], tokens: [] },
        // Rotation uses each token once, and tokens in flight when a run stops are lost: top up before each run.
        beforeRun: async (spec) => {
          const want = Number(process.env.BENCH_REFRESH_POOL ?? 96);
          const have = spec.tokens ?? [];
          spec.tokens = [...have, ...(await refreshTokens(target.url, browser, Math.max(0, want - have.length)))];
        },
      };
    },
  },
  {
    id: '5',
    title: 'userinfo with a Bearer access token',
    unit: 'answers/s',
    missing: all(endpoint('userinfo_endpoint'), endpoint('authorization_endpoint')),
    async prepare(target) {
      let token: string;
      if (target.side === 'peer') {
        // The peer's userinfo accepts only opaque tokens without an audience: its own client gets one.
        const browser = await signedInBrowser(target.url, PEER_USERINFO_CLIENT.id, 'openid profile email');
        token = (await codeFlowTokens(target.url, browser, PEER_USERINFO_CLIENT, { scope: 'openid profile email' })).access_token;
      } else {
        token = (await codeFlowTokens(target.url, await browserOf(target), WEB, { scope: 'openid profile email', prompt: 'consent' }))
          .access_token;
      }
      const step: LoadStep = { method: 'GET', path: path(target, 'userinfo_endpoint'), headers: { authorization: `Bearer ${token}` } };
      const check = await fetch(target.url + step.path, { headers: step.headers });
      if (check.status !== 200) throw new Error(`userinfo answered ${check.status}: ${await check.text()}`);
      return { spec: { kind: 'static', url: target.url, steps: [step] } };
    },
  },
  {
    id: '6',
    title: 'introspection of opaque access tokens',
    unit: 'answers/s',
    missing: all(endpoint('introspection_endpoint'), grant('client_credentials')),
    async prepare(target) {
      const extra = target.side === 'peer' ? `&resource=${encodeURIComponent(OPAQUE_RESOURCE)}` : '';
      const tokens = await clientCredentialsTokens(target.url, 200, { opaque: true, extra });
      const introspection = path(target, 'introspection_endpoint');
      const check = await postForm(target.url + introspection, `token=${tokens[0]}`, basic(OPAQUE));
      if (check.json.active !== true) throw new Error(`introspection of a fresh token: ${JSON.stringify(check.json)}`);
      const step: LoadStep = {
        method: 'POST',
        path: introspection,
        headers: { ...form, authorization: basic(OPAQUE) },
        body: 'token={token}',
      };
      return { spec: { kind: 'rotate', url: target.url, steps: [step], tokens } };
    },
  },
  {
    id: '7a',
    title: 'discovery document',
    unit: 'answers/s',
    missing: () => undefined,
    prepare: async (t) => ({ spec: { kind: 'static', url: t.url, steps: [{ method: 'GET', path: '/.well-known/openid-configuration' }] } }),
  },
  {
    id: '7b',
    title: 'JWKS',
    unit: 'answers/s',
    missing: endpoint('jwks_uri'),
    prepare: async (t) => ({ spec: { kind: 'static', url: t.url, steps: [{ method: 'GET', path: path(t, 'jwks_uri') }] } }),
  },
  {
    id: '10',
    title: 'client_credentials with a DPoP proof (ES256 proof, RS256 JWT bound to its key)',
    unit: 'tokens/s',
    missing: all(grant('client_credentials'), endpoint('dpop_signing_alg_values_supported')),
    prepare: dpopClientCredentials,
  },
];

export const scenario = (id: string) => SCENARIOS.find((s) => s.id === id) as Scenario;
