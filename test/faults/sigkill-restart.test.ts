import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import { DATABASES } from '../support/databases.js';
import { freePort } from '../support/test-provider.js';
import { createSharedSchema, spawnTessera, type SpawnedTessera } from '../support/spawn-tessera.js';
import { authorize, type CookieJar } from '../support/browser-less.js';
import { FLOW_CLIENTS, clientCredentials, flowConfig, getCode, introspect, redeemCode, refresh } from '../support/cluster-flows.js';

interface Confirmed {
  accessTokens: { token: string; client: { client_id: string; client_secret: string } }[];
  idTokens: string[];
  /** Refresh-token chains whose last answer reached the client (no refresh left in doubt). */
  refreshChains: { latest: string; inDoubt: boolean }[];
  sessions: CookieJar[];
}

/** One client of the load: repeats user and machine flows, recording only what it was told. */
async function loadWorker(url: string, confirmed: Confirmed, stop: () => boolean): Promise<void> {
  while (!stop()) {
    try {
      const cc = await clientCredentials(url);
      if (cc.status === 200) confirmed.accessTokens.push({ token: cc.body.access_token, client: FLOW_CLIENTS.service });
      const { code, verifier, jar } = await getCode(url);
      const tokens = await redeemCode(url, code, verifier);
      if (tokens.status !== 200) continue;
      confirmed.accessTokens.push({ token: tokens.body.access_token, client: FLOW_CLIENTS.web });
      confirmed.idTokens.push(tokens.body.id_token);
      confirmed.sessions.push(jar);
      const chain = { latest: tokens.body.refresh_token as string, inDoubt: false };
      confirmed.refreshChains.push(chain);
      chain.inDoubt = true; // from here until its answer arrives, the server may or may not have rotated it
      const rotated = await refresh(url, chain.latest);
      if (rotated.status === 200) {
        chain.latest = rotated.body.refresh_token;
        chain.inDoubt = false;
        confirmed.accessTokens.push({ token: rotated.body.access_token, client: FLOW_CLIENTS.web });
      }
    } catch {
      return; // the process died under us: what was not answered was never confirmed
    }
  }
}

describe(
  'SIGKILL in the middle of load, then restart',
  { skip: !DATABASES.includes('postgres') && 'PostgreSQL is not in TEST_DATABASES' },
  () => {
    let shared: Awaited<ReturnType<typeof createSharedSchema>>;
    let config: Record<string, unknown>;
    let port: number;
    let server: SpawnedTessera;
    before(async () => {
      shared = await createSharedSchema();
      port = await freePort();
      // Six workers sign in at once from one address: each attempt in flight holds a place in the per-(account, address) limit.
      config = flowConfig({
        databaseUrl: shared.url,
        issuer: `http://127.0.0.1:${port}`,
        signIn: { maxFailuresPerAccountAndAddress: 1000 },
      });
      server = await spawnTessera({ config, port });
    });
    after(async () => {
      await server.stop('SIGKILL');
      await shared.drop();
    });

    it('keeps every grant, refresh token, session and key that was confirmed to a client', async () => {
      const confirmed: Confirmed = { accessTokens: [], idTokens: [], refreshChains: [], sessions: [] };
      let killed = false;
      const workers = Array.from({ length: 6 }, () => loadWorker(server.url, confirmed, () => killed));
      // Kill once real work is confirmed, while the workers still have requests in flight.
      while (confirmed.refreshChains.filter((c) => !c.inDoubt).length < 8) await new Promise((resolve) => setTimeout(resolve, 50));
      server.process.kill('SIGKILL');
      killed = true;
      assert.equal(await server.exited, 'SIGKILL');
      await Promise.all(workers);

      server = await spawnTessera({ config, port });
      const url = server.url;
      for (const { token, client } of confirmed.accessTokens) {
        assert.equal((await introspect(url, token, client)).active, true, 'a confirmed access token is still active');
      }
      const jwks = createRemoteJWKSet(new URL(`${url}/jwks`));
      for (const idToken of confirmed.idTokens) await jwtVerify(idToken, jwks, { issuer: url, audience: FLOW_CLIENTS.web.client_id });
      for (const jar of confirmed.sessions.slice(0, 5)) {
        const sso = await authorize(
          url,
          {
            response_type: 'code',
            client_id: 'web',
            redirect_uri: FLOW_CLIENTS.web.redirect_uris[0],
            scope: 'openid',
            prompt: 'none',
            code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
            code_challenge_method: 'S256',
          },
          { jar },
        );
        assert.ok(sso.code, `the session survived: ${sso.location}`);
      }
      const settled = confirmed.refreshChains.filter((c) => !c.inDoubt);
      assert.ok(settled.length >= 8);
      for (const chain of settled) {
        const answer = await refresh(url, chain.latest);
        assert.equal(answer.status, 200, `a confirmed refresh token still works: ${JSON.stringify(answer.body)}`);
      }
    });
  },
);
