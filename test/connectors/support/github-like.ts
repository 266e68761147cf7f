import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';

/**
 * A small server that behaves like GitHub's OAuth app endpoints and REST API for a signed-in
 * person who already authorized the app: /login/oauth/authorize answers at once with a code,
 * /login/oauth/access_token takes the client's credentials in the form (and checks PKCE), /user
 * and /user/emails answer for the token's holder. `failEmails` makes /user/emails answer 500.
 */
export async function startGithubLike(clientId: string, clientSecret: string) {
  const codes = new Map<string, { challenge: string | null; redirectUri: string }>();
  const tokens = new Set<string>();
  const settings = { failEmails: false };
  const server = createServer((request, response) => void answer(request, response));
  async function answer(request: IncomingMessage, response: ServerResponse) {
    const url = new URL(request.url!, base);
    const json = (status: number, body: unknown) =>
      response.writeHead(status, { 'content-type': 'application/json; charset=utf-8' }).end(JSON.stringify(body));
    if (url.pathname === '/login/oauth/authorize') {
      if (url.searchParams.get('client_id') !== clientId) return json(404, { message: 'Not Found' });
      const code = randomBytes(10).toString('hex');
      codes.set(code, { challenge: url.searchParams.get('code_challenge'), redirectUri: url.searchParams.get('redirect_uri')! });
      const back = new URL(url.searchParams.get('redirect_uri')!);
      back.searchParams.set('code', code);
      back.searchParams.set('state', url.searchParams.get('state') ?? '');
      return response.writeHead(302, { location: back.href }).end();
    }
    if (url.pathname === '/login/oauth/access_token' && request.method === 'POST') {
      let body = '';
      for await (const chunk of request) body += chunk;
      const form = new URLSearchParams(body);
      if (form.get('client_id') !== clientId || form.get('client_secret') !== clientSecret)
        return json(200, { error: 'incorrect_client_credentials' });
      const grant = codes.get(form.get('code') ?? '');
      codes.delete(form.get('code') ?? '');
      const verifier = form.get('code_verifier') ?? '';
      if (
        !grant ||
        grant.redirectUri !== form.get('redirect_uri') ||
        grant.challenge !== createHash('sha256').update(verifier).digest('base64url')
      )
        return json(400, { error: 'bad_verification_code' });
      const token = `gho_${randomBytes(16).toString('hex')}`;
      tokens.add(token);
      return json(200, { access_token: token, token_type: 'bearer', scope: 'read:user,user:email' });
    }
    const token = (request.headers.authorization ?? '').replace(/^Bearer /, '');
    if (!tokens.has(token) || !request.headers['user-agent']) return json(401, { message: 'Requires authentication' });
    if (url.pathname === '/user')
      return json(200, {
        id: 583231,
        login: 'octocat',
        name: 'The Octocat',
        email: 'octocat@public.example',
        avatar_url: 'https://avatars.example/u/583231',
      });
    if (url.pathname === '/user/emails') {
      if (settings.failEmails) return json(500, { message: 'Server Error' });
      return json(200, [
        { email: 'old@unverified.example', primary: false, verified: false, visibility: null },
        { email: 'octocat@github.example', primary: true, verified: true, visibility: 'private' },
      ]);
    }
    json(404, { message: 'Not Found' });
  }
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  return { url: base, settings, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}
