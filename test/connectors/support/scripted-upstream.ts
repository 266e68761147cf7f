import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { randomBytes } from 'node:crypto';
import { SignJWT, exportJWK, generateKeyPair } from 'jose';

/** What the next ID token says; a test changes it to make the upstream misbehave. */
export interface NextAnswer {
  sub: string;
  claims?: Record<string, unknown>;
  /** Replaces the client_id as `aud` (an ID token minted for another client). */
  audience?: string;
  /** Replaces the nonce of the authorization request. */
  nonce?: string;
}

/**
 * A small, real OpenID Connect provider whose answers a test scripts: discovery, a JWKS, an
 * authorization endpoint that approves at once (the person "signed in" upstream), and a token
 * endpoint that signs the ID token it is told to (ES256). Each code works once.
 */
export async function startScriptedUpstream(clientId: string, clientSecret: string) {
  const { privateKey, publicKey } = await generateKeyPair('ES256');
  const jwk = { ...(await exportJWK(publicKey)), kid: 'k1', alg: 'ES256', use: 'sig' };
  const codes = new Map<string, { nonce?: string; answer: NextAnswer; redirectUri: string }>();
  const state = { next: { sub: 'u-1' } as NextAnswer };
  const server: Server = createServer((request, response) => void answer(request, response));
  async function answer(request: IncomingMessage, response: ServerResponse) {
    const url = new URL(request.url!, issuer);
    const json = (status: number, body: unknown) =>
      response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    if (url.pathname === '/.well-known/openid-configuration')
      return json(200, {
        issuer,
        authorization_endpoint: `${issuer}/authorize`,
        token_endpoint: `${issuer}/token`,
        jwks_uri: `${issuer}/jwks`,
        response_types_supported: ['code'],
        subject_types_supported: ['public'],
        id_token_signing_alg_values_supported: ['ES256'],
        token_endpoint_auth_methods_supported: ['client_secret_basic'],
        code_challenge_methods_supported: ['S256'],
      });
    if (url.pathname === '/jwks') return json(200, { keys: [jwk] });
    if (url.pathname === '/authorize') {
      const code = randomBytes(16).toString('base64url');
      const redirectUri = url.searchParams.get('redirect_uri')!;
      codes.set(code, { nonce: url.searchParams.get('nonce') ?? undefined, answer: state.next, redirectUri });
      const back = new URL(redirectUri);
      back.searchParams.set('code', code);
      back.searchParams.set('state', url.searchParams.get('state') ?? '');
      return response.writeHead(302, { location: back.href }).end();
    }
    if (url.pathname === '/token' && request.method === 'POST') {
      let body = '';
      for await (const chunk of request) body += chunk;
      const form = new URLSearchParams(body);
      // RFC 6749 §2.3.1: both halves form-urlencoded, then Basic.
      const [id, secret] = Buffer.from((request.headers.authorization ?? '').replace(/^Basic /, ''), 'base64')
        .toString()
        .split(':')
        .map((part) => decodeURIComponent(part.replace(/\+/g, ' ')));
      if (id !== clientId || secret !== clientSecret) return json(401, { error: 'invalid_client' });
      const grant = codes.get(form.get('code') ?? '');
      codes.delete(form.get('code') ?? '');
      if (!grant || grant.redirectUri !== form.get('redirect_uri')) return json(400, { error: 'invalid_grant' });
      const { answer } = grant;
      const idToken = await new SignJWT({ ...answer.claims, nonce: answer.nonce ?? grant.nonce })
        .setProtectedHeader({ alg: 'ES256', kid: 'k1' })
        .setIssuer(issuer)
        .setAudience(answer.audience ?? clientId)
        .setSubject(answer.sub)
        .setIssuedAt()
        .setExpirationTime('5m')
        .sign(privateKey);
      return json(200, { access_token: randomBytes(16).toString('hex'), token_type: 'Bearer', expires_in: 300, id_token: idToken });
    }
    json(404, { error: 'not_found' });
  }
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  return {
    issuer,
    /** What the next authorization's ID token will say. */
    answer(next: NextAnswer) {
      state.next = next;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
