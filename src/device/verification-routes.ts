import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { UserDirectory } from '../accounts/user-directory.js';
import type { ClientRegistry } from '../clients/client-registry.js';
import type { ClientMetadata } from '../clients/client.js';
import { formParams, singleParams } from '../protocol/params.js';
import type { KnownScopes } from '../rules/scope.js';
import { csrfToken, verifyCsrf, type CsrfOptions } from '../session/csrf.js';
import { loginUrl } from '../session/login-url.js';
import type { DeviceCodeRecord, DeviceCodesStore } from '../storage/ports.js';
import { formatUserCode } from '../tokens/user-code.js';
import { decideDevice, type DecideDeviceDeps } from './decide-device.js';
import { deviceStepUp, type DeviceAssuranceDeps } from './device-assurance.js';
import { lookupUserCode, type LookupUserCodeDeps, type UserCodeLookup } from './lookup-user-code.js';

/** Why a typed code was not taken; the code entry page says it in words. */
export type CodeRefusal = { reason: 'malformed' | 'unknown' } | { reason: 'throttled'; retryAfter: number };

/** How the browser part of a device flow ended (or cannot go on). */
export type DeviceOutcome = 'allowed' | 'denied' | 'expired' | 'used';

/** What the consent page shows: which app, on the device showing which code, for which access, to whom. */
export interface DeviceConsentView {
  client: ClientMetadata;
  /** As shown on the device: XXXX-XXXX. */
  userCode: string;
  /** Scope name → what it means, in plain words. */
  scopes: { name: string; description: string }[];
  username: string;
}

/** Where a verification request goes next; the routes turn it into a 303 or a page. */
export type DeviceDecision =
  /** Ask for the code (again), prefilled with what was typed, saying why it was refused. */
  | { kind: 'enter-code'; userCode?: string; refused?: CodeRefusal }
  | { kind: 'consent'; view: DeviceConsentView }
  | { kind: 'outcome'; outcome: DeviceOutcome }
  /** Sign-in, the confirmation, or the outcome page: a 303 after a POST (RFC 9110 §15.4.4). */
  | { kind: 'redirect'; url: string };

/** The verification pages; the page room renders them (wired in app/). */
export interface DeviceVerificationPages {
  codeEntry(
    request: FastifyRequest,
    reply: FastifyReply,
    page: { action: string; csrf: string; userCode?: string; refused?: CodeRefusal },
    status: number,
  ): FastifyReply;
  consent(request: FastifyRequest, reply: FastifyReply, page: DeviceConsentView & { action: string; csrf: string }): FastifyReply;
  outcome(request: FastifyRequest, reply: FastifyReply, outcome: DeviceOutcome, page: { deviceUrl: string }, status: number): FastifyReply;
}

export interface DeviceVerificationOptions extends LookupUserCodeDeps, DecideDeviceDeps {
  issuer: string;
  config: LookupUserCodeDeps['config'] & DecideDeviceDeps['config'];
  csrf: CsrfOptions;
  deviceCodes: Pick<DeviceCodesStore, 'findByUserCode' | 'approve' | 'deny'>;
  clients: Pick<ClientRegistry, 'find'>;
  users: Pick<UserDirectory, 'findById'>;
  /** Scopes this provider knows, with what the consent page says of each. */
  scopes: KnownScopes;
  pages: DeviceVerificationPages;
  /** The MFA policy (mfa.requiredForAll, client require_mfa) and the second factors on offer. */
  assurance: Omit<DeviceAssuranceDeps, 'issuer'>;
}

/** Longest code echoed back into the entry field. */
const TYPED_LENGTH = 20;

/**
 * The verification URI of RFC 8628 §3.3: `/device` asks for the code, `/device/confirm` signs the
 * person in if needed and asks Allow / Deny, `/device/done` says what happened.
 */
export async function deviceVerificationRoutes(app: FastifyInstance, options: DeviceVerificationOptions): Promise<void> {
  const { issuer, csrf, sessions, pages } = options;
  const confirmPath = (userCode: string) => `/device/confirm?user_code=${formatUserCode(userCode)}`;

  const send = (request: FastifyRequest, reply: FastifyReply, decision: DeviceDecision) => {
    switch (decision.kind) {
      case 'enter-code': {
        const { refused } = decision;
        if (refused?.reason === 'throttled') reply.header('retry-after', String(Math.max(1, refused.retryAfter)));
        const status = !refused ? 200 : refused.reason === 'throttled' ? 429 : 400;
        const page = { action: `${issuer}/device`, csrf: csrfToken(request, reply, csrf), userCode: decision.userCode, refused };
        return pages.codeEntry(request, reply, page, status);
      }
      case 'consent':
        return pages.consent(request, reply, {
          ...decision.view,
          action: `${issuer}/device/confirm`,
          csrf: csrfToken(request, reply, csrf),
        });
      case 'outcome': {
        const status = decision.outcome === 'expired' || decision.outcome === 'used' ? 400 : 200;
        return pages.outcome(request, reply, decision.outcome, { deviceUrl: `${issuer}/device` }, status);
      }
      case 'redirect':
        return reply.status(303).header('location', decision.url).header('cache-control', 'no-store').send();
    }
  };

  /** A lookup that did not find a live code: the entry page again, or the end of this code. */
  const refused = (lookup: Exclude<UserCodeLookup, { found: unknown }>, typed: string | undefined): DeviceDecision => {
    if (lookup.problem === 'expired' || lookup.problem === 'used') return { kind: 'outcome', outcome: lookup.problem };
    return {
      kind: 'enter-code',
      userCode: typed?.slice(0, TYPED_LENGTH),
      refused: lookup.problem === 'throttled' ? { reason: 'throttled', retryAfter: lookup.retryAfter } : { reason: lookup.problem },
    };
  };

  /** The consent page for a live code, once the person is signed in. */
  const confirm = async (request: FastifyRequest, record: DeviceCodeRecord): Promise<DeviceDecision> => {
    const session = await sessions.current(request);
    if (!session) return { kind: 'redirect', url: loginUrl(issuer, confirmPath(record.userCode)) };
    const [client, user] = await Promise.all([options.clients.find(record.clientId), options.users.findById(session.userId)]);
    if (!client || !user) return { kind: 'outcome', outcome: 'expired' };
    const stepUp = await deviceStepUp({ issuer, ...options.assurance }, client, session, confirmPath(record.userCode));
    if (stepUp) return { kind: 'redirect', url: stepUp };
    const scopes = record.scope
      .split(' ')
      .filter(Boolean)
      .map((name) => ({ name, description: options.scopes.get(name) ?? name }));
    return {
      kind: 'consent',
      view: { client: client.metadata, userCode: formatUserCode(record.userCode), scopes, username: user.username },
    };
  };

  /** §3.3: the person's answer. Allow or Deny is recorded once; a code decided meanwhile is not. */
  const answer = async (request: FastifyRequest, record: DeviceCodeRecord, decision: string | undefined): Promise<DeviceDecision> => {
    const session = await sessions.current(request);
    if (!session) return { kind: 'redirect', url: loginUrl(issuer, confirmPath(record.userCode)) };
    const allow = decision === 'allow';
    if (!allow && decision !== 'deny') return { kind: 'redirect', url: `${issuer}${confirmPath(record.userCode)}` };
    // An Allow is held to the MFA policy too (a form posted from an older, weaker session).
    const client = allow ? await options.clients.find(record.clientId) : undefined;
    if (allow && !client) return { kind: 'outcome', outcome: 'expired' };
    const stepUp = client && (await deviceStepUp({ issuer, ...options.assurance }, client, session, confirmPath(record.userCode)));
    if (stepUp) return { kind: 'redirect', url: stepUp };
    if (!(await decideDevice(options, record, session, allow))) {
      // Decided in another tab, or expired while the page was open.
      const now = await options.deviceCodes.findByUserCode(record.userCode);
      return { kind: 'outcome', outcome: now?.status === 'pending' ? 'expired' : 'used' };
    }
    return { kind: 'redirect', url: `${issuer}/device/done?result=${allow ? 'allowed' : 'denied'}` };
  };

  // §3.3: the code entry form; verification_uri_complete only prefills it (§5.4).
  app.get('/device', async (request, reply) => {
    const query = singleParams(request.query, 'query');
    return send(request, reply, { kind: 'enter-code', userCode: query.user_code?.slice(0, TYPED_LENGTH) });
  });

  app.post('/device', async (request, reply) => {
    const form = formParams(request);
    verifyCsrf(request, form, csrf);
    const lookup = await lookupUserCode(options, request, form.user_code);
    if (!('found' in lookup)) return send(request, reply, refused(lookup, form.user_code));
    return send(request, reply, { kind: 'redirect', url: `${issuer}${confirmPath(lookup.found.userCode)}` });
  });

  app.get('/device/confirm', async (request, reply) => {
    const query = singleParams(request.query, 'query');
    const lookup = await lookupUserCode(options, request, query.user_code);
    if (!('found' in lookup)) return send(request, reply, refused(lookup, query.user_code));
    return send(request, reply, await confirm(request, lookup.found));
  });

  app.post('/device/confirm', async (request, reply) => {
    const form = formParams(request);
    verifyCsrf(request, form, csrf);
    const lookup = await lookupUserCode(options, request, form.user_code);
    if (!('found' in lookup)) return send(request, reply, refused(lookup, form.user_code));
    return send(request, reply, await answer(request, lookup.found, form.decision));
  });

  app.get('/device/done', async (request, reply) => {
    const query = singleParams(request.query, 'query');
    return send(request, reply, { kind: 'outcome', outcome: query.result === 'allowed' ? 'allowed' : 'denied' });
  });
}
