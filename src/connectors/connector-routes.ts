import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AuditLog } from '../audit/audit-log.js';
import { enrolledFactors, hasSecondFactor, type MfaMethods } from '../authn/enrolled-factors.js';
import type { PendingSignIns } from '../authn/pending-sign-in.js';
import type { PageContexts } from '../interaction/page-context.js';
import { renderSignedInPage } from '../interaction/login-page.js';
import { sendPage } from '../interaction/layout.js';
import { checkedReturnTo } from '../interaction/return-to.js';
import type { ProviderMetrics } from '../metrics/provider-metrics.js';
import { singleParams } from '../protocol/params.js';
import type { Sessions } from '../session/sessions.js';
import type { FederatedIdentitiesStore } from '../storage/ports.js';
import type { Clock } from '../util/clock.js';
import type { SecretBox } from '../util/secret-box.js';
import type { Connectors } from './create-connectors.js';
import { renderConnectorError } from './connector-pages.js';
import type { UpstreamTokens } from './connector.js';
import { identitiesRoutes, type IdentitiesRoutesOptions } from './identities-routes.js';
import { linkIdentity } from './link-identity.js';
import { resolveUpstreamUser, type FederatedUsers } from './resolve-upstream-user.js';
import { UpstreamError } from './upstream-error.js';
import type { UpstreamFlow, UpstreamFlowCookie } from './upstream-flow-cookie.js';

export interface ConnectorRoutesOptions extends Omit<IdentitiesRoutesOptions, 'startFlow'> {
  issuer: string;
  connectors: Connectors;
  flows: UpstreamFlowCookie;
  /** Seals upstream tokens at rest, for connectors with `storeTokens`. */
  tokensBox: SecretBox;
  users: FederatedUsers & IdentitiesRoutesOptions['users'];
  federatedIdentities: Pick<FederatedIdentitiesStore, 'find' | 'link' | 'recordUse' | 'listOfUser' | 'unlink'>;
  sessions: Pick<Sessions, 'signIn' | 'current'>;
  pendingSignIns: Pick<PendingSignIns, 'start'>;
  mfa: MfaMethods;
  audit: Pick<AuditLog, 'record'>;
  metrics: Pick<ProviderMetrics, 'signInFailed'>;
  /** The reader's language and the brand. */
  pages: Pick<PageContexts, 'for'>;
  clock: Clock;
}

/**
 * Sign-in through another identity provider (issue 14):
 * - `GET /connectors/:id/start?return_to=` sends the browser to the upstream (303), the flow's
 *   secrets sealed in a cookie of this browser;
 * - `GET /connectors/:id/callback` checks the answer (state against that cookie, once; then the
 *   code exchange and ID token by the connector), finds or creates the user, and continues like
 *   a password sign-in: the second factor if the person has one, then back to return_to.
 * A flow started from the account page (`linkTo`) links the identity to the signed-in user instead.
 * Every failure is a page saying what happened; nothing is provisioned and nobody signed in.
 */
export async function connectorRoutes(app: FastifyInstance, options: ConnectorRoutesOptions): Promise<void> {
  const { issuer, connectors, flows } = options;
  const redirectUri = (id: string) => `${issuer}/connectors/${id}/callback`;
  const seeOther = (reply: FastifyReply, location: string) =>
    reply.status(303).header('location', location).header('cache-control', 'no-store').send();
  const signInUrl = (returnTo?: string) => `${issuer}/login${returnTo ? `?${new URLSearchParams({ return_to: returnTo })}` : ''}`;
  const t = (request: FastifyRequest) => options.pages.for(request).t;

  const showError = (
    request: FastifyRequest,
    reply: FastifyReply,
    status: number,
    page: { title: string; message: string; code: string; back: string },
  ) =>
    sendPage(
      reply,
      renderConnectorError(options.pages.for(request), { title: page.title, message: page.message, code: page.code, signInUrl: page.back }),
      {
        status,
      },
    );

  const showUpstreamError = async (request: FastifyRequest, reply: FastifyReply, name: string, err: UpstreamError, back: string) => {
    request.log.warn({ connector: name, kind: err.kind, detail: err.detail }, 'upstream sign-in failed');
    options.metrics.signInFailed(`upstream_${err.kind}`);
    await options.audit.record({
      type: 'signin.failure',
      address: request.ip,
      detail: { reason: `upstream_${err.kind}`, connector: name, upstream_error: err.upstreamError },
    });
    const tr = t(request);
    return showError(request, reply, err.kind === 'unavailable' ? 502 : 400, {
      title: tr(`connectors:title_${err.kind}`, { name }),
      message: tr(`connectors:${err.kind}`, { name }),
      code: err.upstreamError ?? `upstream_${err.kind}`,
      back,
    });
  };

  const unknownConnector = (request: FastifyRequest, reply: FastifyReply, id: string) =>
    showError(request, reply, 404, {
      title: t(request)('connectors:title_unknown'),
      message: t(request)('connectors:unknown', { id }),
      code: 'unknown_connector',
      back: signInUrl(),
    });

  app.get<{ Params: { id: string } }>('/connectors/:id/start', async (request, reply) => {
    const connector = connectors.find(request.params.id);
    if (!connector) return unknownConnector(request, reply, request.params.id);
    const returnTo = checkedReturnTo(singleParams(request.query, 'query').return_to);
    return startFlow(request, reply, connector.settings.id, { returnTo });
  });

  /** Sends the browser upstream, to sign in or (from the account page) to link. */
  const startFlow = async (request: FastifyRequest, reply: FastifyReply, id: string, flow: Pick<UpstreamFlow, 'returnTo' | 'linkTo'>) => {
    const connector = connectors.find(id)!;
    try {
      const { url, checks } = await connector.begin(redirectUri(id));
      flows.put(reply, { connectorId: id, checks, ...flow });
      return seeOther(reply, url.href);
    } catch (err) {
      if (!(err instanceof UpstreamError)) throw err;
      return showUpstreamError(
        request,
        reply,
        connector.settings.name,
        err,
        flow.linkTo ? `${issuer}/account/identities` : signInUrl(flow.returnTo),
      );
    }
  };
  await identitiesRoutes(app, { ...options, startFlow });

  app.get<{ Params: { id: string } }>('/connectors/:id/callback', async (request, reply) => {
    const connector = connectors.find(request.params.id);
    if (!connector) return unknownConnector(request, reply, request.params.id);
    const { name } = connector.settings;
    const query = singleParams(request.query, 'query');
    let flow: UpstreamFlow | undefined;
    try {
      flow = await flows.take(request, reply, connector.settings.id, query.state);
      const callbackUrl = new URL(request.url, issuer);
      const { identity, tokens } = await connector.finish(callbackUrl, redirectUri(connector.settings.id), flow.checks);
      const sealedTokens = connector.settings.storeTokens
        ? options.tokensBox.encrypt(JSON.stringify(tokens satisfies UpstreamTokens))
        : null;
      if (flow.linkTo) return await finishLink(request, reply, flow.linkTo, identity, sealedTokens, name);
      return await finishSignIn(request, reply, identity, sealedTokens, name, flow.returnTo, connector.settings.provision);
    } catch (err) {
      if (!(err instanceof UpstreamError)) throw err;
      return showUpstreamError(request, reply, name, err, flow?.linkTo ? `${issuer}/account/identities` : signInUrl(flow?.returnTo));
    }
  });

  const finishSignIn = async (
    request: FastifyRequest,
    reply: FastifyReply,
    identity: Parameters<typeof resolveUpstreamUser>[1],
    tokensEncrypted: string | null,
    name: string,
    returnTo: string | undefined,
    provision: boolean,
  ) => {
    const result = await resolveUpstreamUser(options, identity, { provision, tokensEncrypted });
    if (result.kind === 'refused') {
      options.metrics.signInFailed(result.reason === 'disabled' ? 'disabled' : `upstream_${result.reason}`);
      await options.audit.record({
        type: 'signin.failure',
        address: request.ip,
        detail: { reason: result.reason.replace('-', '_'), connector: identity.connectorId },
      });
      const tr = t(request);
      return showError(request, reply, 403, {
        title: tr('connectors:title_refused'),
        message: tr(`connectors:refused_${result.reason.replace('-', '_')}`, { name }),
        code: result.reason.replace('-', '_'),
        back: signInUrl(returnTo),
      });
    }
    const { user } = result;
    if (result.created)
      await options.audit.record({
        type: 'user.provisioned',
        userId: user.id,
        address: request.ip,
        detail: { connector: identity.connectorId },
      });
    await options.audit.record({
      type: 'signin.success',
      userId: user.id,
      address: request.ip,
      detail: { method: 'upstream', connector: identity.connectorId },
    });
    // The second factor, when the person set one up here, as after a password (second-factor-routes.ts).
    if (hasSecondFactor(await enrolledFactors(options.mfa, user.id))) {
      options.pendingSignIns.start(reply, { userId: user.id, username: user.username, methods: identity.amr });
      return seeOther(reply, `${issuer}/login/second-factor${returnTo ? `?${new URLSearchParams({ return_to: returnTo })}` : ''}`);
    }
    await options.sessions.signIn(request, reply, user.id, { methods: identity.amr });
    if (returnTo) return seeOther(reply, `${issuer}${returnTo}`);
    return sendPage(reply, renderSignedInPage(options.pages.for(request), user.username, `${issuer}/account`));
  };

  const finishLink = async (
    request: FastifyRequest,
    reply: FastifyReply,
    userId: string,
    identity: Parameters<typeof resolveUpstreamUser>[1],
    tokensEncrypted: string | null,
    name: string,
  ) => {
    const back = `${issuer}/account/identities`;
    // The link goes to whoever started it, and only while they are still the one signed in here.
    const session = await options.sessions.current(request);
    if (session?.userId !== userId)
      return showError(request, reply, 403, {
        title: t(request)('connectors:title_refused'),
        message: t(request)('connectors:link_wrong_user'),
        code: 'link_wrong_user',
        back,
      });
    const outcome = await linkIdentity(options, userId, identity, tokensEncrypted);
    if (outcome === 'linked-elsewhere')
      return showError(request, reply, 409, {
        title: t(request)('connectors:title_refused'),
        message: t(request)('connectors:linked_elsewhere', { name }),
        code: 'linked_elsewhere',
        back,
      });
    if (outcome === 'linked')
      await options.audit.record({ type: 'identity.linked', userId, address: request.ip, detail: { connector: identity.connectorId } });
    return seeOther(reply, `${back}?${new URLSearchParams({ done: outcome, connector: identity.connectorId })}`);
  };
}
