import { createServer, type Server } from 'node:http';
import { createServer as createTcpServer, connect, type Socket } from 'node:net';
import { mkdirSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';
import * as client from 'openid-client';
import { TOTP, Secret } from 'otpauth';
import { CHROMIUM_ARGS } from './chromium.js';

/** Headless Chromium as the other browser tests launch it. `localhost` maps to 127.0.0.1 (WebAuthn needs a host name as RP ID). */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: [...CHROMIUM_ARGS, '--host-resolver-rules=MAP localhost 127.0.0.1'],
  });
}

/** The client's redirect URI: answers a small page, the test reads the URL the browser landed on. */
export async function startCallbackServer(): Promise<{ server: Server; url: string; close: () => Promise<void> }> {
  const server = createServer((_request, response) => {
    response.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>callback</title><p id="done">back at the app</p>');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return { server, url: `http://127.0.0.1:${port}/cb`, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

/** The RFC 6238 code of `secret` at `offsetSteps` steps from now (the server accepts ±1). */
export function totpCode(secret: string, offsetSteps = 0): string {
  const totp = new TOTP({ secret: Secret.fromBase32(secret.replace(/\s+/g, '')), digits: 6, period: 30, algorithm: 'SHA1' });
  return totp.generate({ timestamp: Date.now() + offsetSteps * 30_000 });
}

/** An authorization with openid-client (PKCE, state, nonce): `begin` gives the URL to open, `finish` redeems where the browser landed. */
export async function openidClient(issuer: string, clientId: string, redirectUri: string) {
  const config = await client.discovery(new URL(issuer), clientId, undefined, client.None(), { execute: [client.allowInsecureRequests] });
  return {
    config,
    async begin(extra: Record<string, string> = {}) {
      const verifier = client.randomPKCECodeVerifier();
      const state = client.randomState();
      const nonce = client.randomNonce();
      const url = client.buildAuthorizationUrl(config, {
        redirect_uri: redirectUri,
        scope: 'openid profile',
        code_challenge: await client.calculatePKCECodeChallenge(verifier),
        code_challenge_method: 'S256',
        state,
        nonce,
        ...extra,
      });
      return {
        url: url.toString(),
        finish: async (landed: string) => {
          const tokens = await client.authorizationCodeGrant(config, new URL(landed), {
            pkceCodeVerifier: verifier,
            expectedState: state,
            expectedNonce: nonce,
            idTokenExpected: true,
          });
          return tokens.claims()!;
        },
      };
    },
  };
}

/** With SCREENSHOTS=1, saves the page as docs/images/<name>.png (the README's pictures). */
export async function screenshot(page: Page, name: string): Promise<void> {
  if (!process.env.SCREENSHOTS) return;
  mkdirSync('docs/images', { recursive: true });
  await page.screenshot({ path: `docs/images/${name}.png`, fullPage: true });
}

/**
 * A load balancer in front of several instances of one deployment: every new connection goes to
 * the current `target` port; `switchTo` moves new connections and cuts the open ones (so the
 * browser's next request reaches the other instance).
 */
export async function startSwitchingProxy(): Promise<{ port: number; switchTo(port: number): void; close(): Promise<void> }> {
  let target = 0;
  const sockets = new Set<Socket>();
  const server = createTcpServer((client) => {
    const upstream = connect(target, '127.0.0.1');
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => {
        client.destroy();
        upstream.destroy();
      });
    }
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as { port: number }).port,
    switchTo(port) {
      target = port;
      for (const s of sockets) s.destroy();
    },
    close: () =>
      new Promise((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
