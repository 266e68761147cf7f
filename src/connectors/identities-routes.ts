import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AccountGuard } from '../account/require-sign-in.js';
import type { AuditLog } from '../audit/audit-log.js';
import type { PageContexts } from '../interaction/page-context.js';
import { sendPage } from '../interaction/layout.js';
import { InvalidRequestNoRedirect } from '../protocol/oauth-errors.js';
import { formParams, singleParams } from '../protocol/params.js';
import { csrfToken, verifyCsrf, type CsrfOptions } from '../session/csrf.js';
import type { FederatedIdentitiesStore, PasskeysStore } from '../storage/ports.js';
import { renderIdentitiesPage } from './connector-pages.js';
import type { Connectors } from './create-connectors.js';
import { unlinkIdentity } from './unlink-identity.js';
import type { UpstreamFlow } from './upstream-flow-cookie.js';

export interface IdentitiesRoutesOptions {
  issuer: string;
  connectors: Connectors;
  csrf: CsrfOptions;
  guard: AccountGuard;
  federatedIdentities: Pick<FederatedIdentitiesStore, 'listOfUser' | 'unlink'>;
  users: { hasPassword(userId: string): Promise<boolean> };
  passkeys: Pick<PasskeysStore, 'listOfUser'>;
  audit: Pick<AuditLog, 'record'>;
  /** The reader's language and the brand. */
  pages: Pick<PageContexts, 'for'>;
  /** Sends the browser to the upstream (connector-routes.ts). */
  startFlow: (
    request: FastifyRequest,
    reply: FastifyReply,
    id: string,
    flow: Pick<UpstreamFlow, 'returnTo' | 'linkTo'>,
  ) => Promise<FastifyReply>;
}

/** Notices after an action, by a fixed key: nothing from the query string is shown as text. */
const NOTICES: Record<string, string> = { linked: 'done_linked', 'already-linked': 'done_already', unlinked: 'done_unlinked' };

/**
 * The account page's linked sign-in providers (`/account/identities`): the list, Unlink (refused
 * when it is the last way in), and Link, which signs in at the upstream and links the identity
 * to the account that started it (never to another: connector-routes.ts checks the session).
 */
export async function identitiesRoutes(app: FastifyInstance, options: IdentitiesRoutesOptions): Promise<void> {
  const { issuer, connectors, csrf, guard } = options;
  const path = '/account/identities';
  const t = (request: FastifyRequest) => options.pages.for(request).t;

  const show = async (
    request: FastifyRequest,
    reply: FastifyReply,
    userId: string,
    message: { notice?: string; error?: string },
    status = 200,
  ) => {
    const links = await options.federatedIdentities.listOfUser(userId);
    const nameOf = (id: string) => connectors.find(id)?.settings.name ?? id;
    return sendPage(
      reply,
      renderIdentitiesPage({
        ui: options.pages.for(request),
        csrf: csrfToken(request, reply, csrf),
        issuer,
        linked: links.map((l) => ({
          connectorId: l.connectorId,
          connectorName: nameOf(l.connectorId),
          upstreamSubject: l.upstreamSubject,
          who: l.upstreamUsername ?? l.email ?? l.upstreamSubject,
          createdAt: l.createdAt,
        })),
        linkable: connectors.list
          .filter((c) => !links.some((l) => l.connectorId === c.settings.id))
          .map((c) => ({ id: c.settings.id, name: c.settings.name })),
        ...message,
      }),
      { status },
    );
  };

  app.get(path, async (request, reply) => {
    const holder = await guard.signedIn(request, reply, path);
    if (!holder) return reply;
    const query = singleParams(request.query, 'query');
    const key = query.done !== undefined && Object.hasOwn(NOTICES, query.done) ? NOTICES[query.done] : undefined;
    const name = query.connector === undefined ? '' : (connectors.find(query.connector)?.settings.name ?? '');
    return show(request, reply, holder.user.id, { notice: key && t(request)(`connectors:${key}`, { name }) });
  });

  // Linking adds a way into the account: a sensitive change, so a recent sign-in first.
  app.post(`${path}/link`, async (request, reply) => {
    const holder = await guard.recentlySignedIn(request, reply, path);
    if (!holder) return reply;
    const form = formParams(request);
    verifyCsrf(request, form, csrf);
    if (!form.connector || !connectors.find(form.connector)) throw new InvalidRequestNoRedirect('no such sign-in provider');
    return options.startFlow(request, reply, form.connector, { linkTo: holder.user.id });
  });

  app.post(`${path}/unlink`, async (request, reply) => {
    const holder = await guard.recentlySignedIn(request, reply, path);
    if (!holder) return reply;
    const form = formParams(request);
    verifyCsrf(request, form, csrf);
    const outcome = await unlinkIdentity(
      { ...options, configuredConnectors: connectors.configuredIds },
      holder.user.id,
      form.connector ?? '',
      form.subject ?? '',
    );
    if (outcome === 'last-way-in') return show(request, reply, holder.user.id, { error: t(request)('connectors:unlink_last') }, 409);
    if (outcome === 'not-linked') return show(request, reply, holder.user.id, { error: t(request)('connectors:unlink_unknown') }, 404);
    await options.audit.record({
      type: 'identity.unlinked',
      userId: holder.user.id,
      address: request.ip,
      detail: { connector: form.connector },
    });
    return reply.status(303).header('location', `${issuer}${path}?done=unlinked`).header('cache-control', 'no-store').send();
  });
}
