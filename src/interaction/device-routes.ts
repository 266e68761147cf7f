import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { UserDirectory } from '../accounts/user-directory.js';
import type { ClientRegistry } from '../clients/client-registry.js';
import type { KnownScopes } from '../rules/scope.js';
import type { DeviceCodesStore } from '../storage/ports.js';
import { formParams, singleParams } from '../protocol/params.js';
import { formatUserCode } from '../tokens/user-code.js';
import { csrfToken, verifyCsrf, type CsrfOptions } from '../session/csrf.js';
import { sendPage } from './layout.js';
import { loginUrl } from '../session/login-url.js';
import { lookupUserCode, type LookupUserCodeDeps, type UserCodeLookup } from './lookup-user-code.js';
import { renderDeviceCodePage } from './device-code-page.js';
import { renderDeviceConsentPage } from './device-consent-page.js';
import { renderDeviceResultPage, type DeviceResult } from './device-result-page.js';
import { decideDevice, type DecideDeviceDeps } from './device-decision.js';

const PROBLEMS = {
  malformed: 'That does not look like a device code. Codes have 8 letters, like BCDF-GHJK.',
  unknown: 'That code is not valid. Check the code on your device and try again.',
} as const;

export interface DeviceRoutesOptions extends LookupUserCodeDeps, DecideDeviceDeps {
  issuer: string;
  config: LookupUserCodeDeps['config'] & DecideDeviceDeps['config'];
  csrf: CsrfOptions;
  deviceCodes: Pick<DeviceCodesStore, 'findByUserCode' | 'approve' | 'deny'>;
  clients: Pick<ClientRegistry, 'find'>;
  users: Pick<UserDirectory, 'findById'>;
  /** Scopes this provider knows, with what the consent page says of each. */
  scopes: KnownScopes;
}

/**
 * The verification URI of RFC 8628 §3.3: `/device` asks for the code, `/device/confirm` signs the
 * person in if needed and asks Allow / Deny, `/device/done` says what happened.
 */
export async function deviceRoutes(app: FastifyInstance, options: DeviceRoutesOptions): Promise<void> {
  const { issuer, csrf, sessions } = options;
  const confirmPath = (userCode: string) => `/device/confirm?user_code=${formatUserCode(userCode)}`;
  const confirmUrl = (userCode: string) => `${issuer}${confirmPath(userCode)}`;

  const codePage = (request: FastifyRequest, reply: FastifyReply, fields: { userCode?: string; error?: string }, status = 200) =>
    sendPage(reply, renderDeviceCodePage({ action: `${issuer}/device`, csrf: csrfToken(request, reply, csrf), ...fields }), { status });
  const resultPage = (reply: FastifyReply, result: DeviceResult, status = 200) => sendPage(reply, renderDeviceResultPage(result, `${issuer}/device`), { status });
  // After a POST, 303 so the browser continues with GET (RFC 9110 §15.4.4).
  const redirect = (reply: FastifyReply, url: string) => reply.status(303).header('location', url).header('cache-control', 'no-store').send();

  /** A lookup that did not find a live code, as the page the person sees. */
  const refuse = (request: FastifyRequest, reply: FastifyReply, lookup: Exclude<UserCodeLookup, { found: unknown }>, typed: string | undefined) => {
    if (lookup.problem === 'throttled') {
      reply.header('retry-after', String(Math.max(1, lookup.retryAfter)));
      const minutes = Math.max(1, Math.ceil(lookup.retryAfter / 60));
      return codePage(request, reply, { userCode: typed?.slice(0, 20), error: `Too many wrong codes. For your security, please wait ${minutes} minute${minutes === 1 ? '' : 's'} and try again.` }, 429);
    }
    if (lookup.problem === 'expired' || lookup.problem === 'used') return resultPage(reply, lookup.problem, 400);
    return codePage(request, reply, { userCode: typed?.slice(0, 20), error: PROBLEMS[lookup.problem] }, 400);
  };

  // §3.3: the code entry form; verification_uri_complete only prefills it (§5.4).
  app.get('/device', async (request, reply) => {
    const query = singleParams(request.query, 'query');
    return codePage(request, reply, { userCode: query.user_code?.slice(0, 20) });
  });

  app.post('/device', async (request, reply) => {
    const form = formParams(request);
    verifyCsrf(request, form, csrf);
    const lookup = await lookupUserCode(options, request, form.user_code);
    if (!('found' in lookup)) return refuse(request, reply, lookup, form.user_code);
    return redirect(reply, confirmUrl(lookup.found.userCode));
  });

  app.get('/device/confirm', async (request, reply) => {
    const query = singleParams(request.query, 'query');
    const lookup = await lookupUserCode(options, request, query.user_code);
    if (!('found' in lookup)) return refuse(request, reply, lookup, query.user_code);
    const record = lookup.found;
    const session = await sessions.current(request);
    if (!session) return redirect(reply, loginUrl(issuer, confirmPath(record.userCode)));

    const [client, user] = await Promise.all([options.clients.find(record.clientId), options.users.findById(session.userId)]);
    if (!client || !user) return resultPage(reply, 'expired', 400);
    const scopes = record.scope.split(' ').filter(Boolean).map((name) => ({ name, description: options.scopes.get(name) ?? name }));
    return sendPage(
      reply,
      renderDeviceConsentPage({
        action: `${issuer}/device/confirm`,
        csrf: csrfToken(request, reply, csrf),
        client: client.metadata,
        userCode: formatUserCode(record.userCode),
        scopes,
        username: user.username,
      }),
    );
  });

  app.post('/device/confirm', async (request, reply) => {
    const form = formParams(request);
    verifyCsrf(request, form, csrf);
    const lookup = await lookupUserCode(options, request, form.user_code);
    if (!('found' in lookup)) return refuse(request, reply, lookup, form.user_code);
    const session = await sessions.current(request);
    if (!session) return redirect(reply, loginUrl(issuer, confirmPath(lookup.found.userCode)));
    const allow = form.decision === 'allow';
    if (!allow && form.decision !== 'deny') return redirect(reply, confirmUrl(lookup.found.userCode));
    if (!(await decideDevice(options, lookup.found, session, allow))) {
      // Decided in another tab, or expired while the page was open.
      const now = await options.deviceCodes.findByUserCode(lookup.found.userCode);
      return resultPage(reply, now?.status === 'pending' ? 'expired' : 'used', 400);
    }
    return redirect(reply, `${issuer}/device/done?result=${allow ? 'allowed' : 'denied'}`);
  });

  app.get('/device/done', async (request, reply) => {
    const query = singleParams(request.query, 'query');
    return resultPage(reply, query.result === 'allowed' ? 'allowed' : 'denied');
  });
}
