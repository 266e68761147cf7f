import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Provider } from '../provider.js';
import type { Client } from '../clients/client.js';
import { ConsentRequired, LoginRequired } from '../protocol/oauth-errors.js';
import { loginUrl } from '../session/login-url.js';
import { csrfToken } from '../session/csrf.js';
import { csrfOptions } from '../interaction/page-context.js';
import { renderConsentPage } from '../interaction/consent-page.js';
import { sendPage } from '../interaction/layout.js';
import type { AuthorizationRequest } from './authorization-request.js';
import { loginReason } from './login-reason.js';
import { resumePath, sealRequest } from './pending-request.js';
import { issueCode } from './issue-code.js';
import { consentNeeded } from '../rules/release-policy.js';
import { sendAuthorizationResponse } from './authorization-response.js';

/**
 * After validation: sign-in, then consent, then the code (OIDC Core §3.1.2.3 - §3.1.2.5).
 * With prompt=none no page may be shown, so a needed page becomes login_required or
 * consent_required instead (§3.1.2.6).
 */
export async function continueAuthorization(provider: Provider, request: FastifyRequest, reply: FastifyReply, pending: AuthorizationRequest, client: Client): Promise<FastifyReply> {
  const { issuer } = provider.config;
  let session = await provider.sessions.current(request);
  const user = session && (await provider.users.findById(session.userId));
  if (!user) session = undefined;

  const reason = loginReason(pending, session, provider.clock.nowSeconds());
  if (reason || !session || !user) {
    if (pending.prompt.includes('none')) throw new LoginRequired('the person must sign in', reason);
    const next = { ...pending, staleSignIn: session?.signInId ?? '' };
    const hint = pending.loginHint ?? (pending.hintSub ? (await provider.users.findById(pending.hintSub))?.username : undefined);
    return reply.status(303).header('location', loginUrl(issuer, resumePath(provider, next), hint)).header('cache-control', 'no-store').send();
  }

  const remembered = await provider.consents.scopes(session.userId, client.clientId);
  if (consentNeeded(pending, remembered)) {
    if (pending.prompt.includes('none')) throw new ConsentRequired('the person has not allowed this application these scopes');
    const page = renderConsentPage({
      action: `${issuer}/auth/consent`,
      csrf: csrfToken(request, reply, csrfOptions(provider)),
      interaction: sealRequest(provider, pending, session.sid),
      client: client.metadata,
      scopes: pending.scopes.map((name) => ({ name, description: provider.scopes.get(name) ?? name })),
      username: user.username,
    });
    return sendPage(reply, page);
  }

  const code = await issueCode(provider, pending, session);
  return sendAuthorizationResponse(reply, pending, issuer, { code });
}
