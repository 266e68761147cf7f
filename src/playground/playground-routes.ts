import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { InvalidRequestNoRedirect, NotFound } from '../protocol/oauth-errors.js';
import { readCookie, setCookie } from '../session/cookies.js';
import { csrfToken, verifyCsrf, type CsrfOptions } from '../session/csrf.js';
import { sendPage } from '../interaction/layout.js';
import type { SafeHtml } from '../interaction/html.js';
import type { Clock } from '../util/clock.js';
import { randomToken } from '../util/random.js';
import {
  authorizationRequest,
  authorizationResponse,
  clientCredentials,
  deviceAuthorization,
  pollDevice,
  refresh,
  type FlowContext,
} from './flows.js';
import { PLAYGROUND_STYLE_HASHES, renderHomePage, renderOtherClientCallbackPage, renderRunPage } from './pages.js';
import { PLAYGROUND_CALLBACK_PATH, type PlaygroundClient } from './playground-client.js';
import { FLOWS, PlaygroundRuns, STATE_PREFIX, type FlowName, type Run } from './runs.js';

export interface PlaygroundOptions {
  issuer: string;
  client: PlaygroundClient;
  csrf: CsrfOptions;
  clock: Clock;
  /** Dev mode's demo user, named on the first page. */
  demoUser?: { username: string; password: string };
}

/** The browser's playground cookie: which runs are this browser's. */
const BROWSER_COOKIE = 'tessera_playground';

/**
 * `/playground`: runs a flow as the playground's demo client. The back-channel requests are made
 * here, over HTTP to the address this process listens on, and recorded; the pages show the record.
 * Registered only when the playground is enabled (dev mode or `playground.enabled`).
 */
export async function playgroundRoutes(app: FastifyInstance, options: PlaygroundOptions): Promise<void> {
  const runs = new PlaygroundRuns();
  const ctx: FlowContext = { client: options.client, issuer: options.issuer };
  const timers = new Set<NodeJS.Timeout>();
  app.addHook('onClose', async () => {
    for (const timer of timers) clearTimeout(timer);
  });

  const send = (reply: FastifyReply, page: SafeHtml) => sendPage(reply, page, { styleHashes: PLAYGROUND_STYLE_HASHES });

  app.get('/playground', async (request, reply) => {
    browserId(request, reply, options.csrf.secure);
    return send(
      reply,
      renderHomePage({ csrf: csrfToken(request, reply, options.csrf), clientId: options.client.clientId, demoUser: options.demoUser }),
    );
  });

  app.post('/playground/runs', async (request, reply) => {
    const form = formOf(request);
    verifyCsrf(request, form, options.csrf);
    const flow = form.flow;
    if (!FLOWS.includes(flow as FlowName)) {
      throw new InvalidRequestNoRedirect(`unknown flow "${flow ?? ''}": the playground runs ${FLOWS.join(', ')}`);
    }
    const pkce = form.pkce ?? 'S256';
    if (pkce !== 'S256' && pkce !== 'plain') throw new InvalidRequestNoRedirect(`unknown PKCE method "${pkce}": use S256 or plain`);
    const run = runs.create(
      flow as FlowName,
      browserId(request, reply, options.csrf.secure),
      localBase(request),
      options.clock.nowSeconds(),
    );
    if (run.flow === 'code') return reply.redirect(authorizationRequest(run, ctx, pkce), 303);
    if (run.flow === 'client_credentials') await clientCredentials(run, ctx);
    else {
      await deviceAuthorization(run, ctx, options.clock.nowSeconds());
      schedulePoll(run);
    }
    return reply.redirect(`/playground/runs/${run.id}`, 303);
  });

  app.get<{ Params: { id: string } }>('/playground/runs/:id', async (request, reply) => {
    const run = ownRun(request, request.params.id);
    let qrCode: string | undefined;
    if (run.device) {
      // Loaded on first use: only the device flow needs the QR code library.
      const { default: qrcode } = await import('qrcode');
      qrCode = await qrcode.toDataURL(run.device.verificationUriComplete, { margin: 1, width: 200 });
    }
    return send(reply, renderRunPage({ run, csrf: csrfToken(request, reply, options.csrf), qrCode }));
  });

  app.post<{ Params: { id: string } }>('/playground/runs/:id/refresh', async (request, reply) => {
    verifyCsrf(request, formOf(request), options.csrf);
    const run = ownRun(request, request.params.id);
    await refresh(run, ctx);
    return reply.redirect(`/playground/runs/${run.id}`, 303);
  });

  app.get(PLAYGROUND_CALLBACK_PATH, async (request, reply) => {
    const query = singleValues(request.query);
    const state = query.state;
    if (state === undefined || !state.startsWith(STATE_PREFIX)) {
      return send(reply, renderOtherClientCallbackPage(query, `${options.issuer}/token`, options.client.redirectUri));
    }
    // RFC 6749 §10.12: the response must answer a request this browser made; a changed or replayed state stops here.
    const run = runs.findByState(state);
    if (!run || run.browser !== readCookie(request, BROWSER_COOKIE, options.csrf.secure)) {
      throw new InvalidRequestNoRedirect(
        'The state of this response matches no flow this browser started in the playground (it was changed, already used, or the flow was started in another browser). Start the flow again.',
      );
    }
    const headers: [string, string][] = [];
    for (let i = 0; i < request.raw.rawHeaders.length; i += 2) headers.push([request.raw.rawHeaders[i], request.raw.rawHeaders[i + 1]]);
    await authorizationResponse(run, ctx, { url: `${options.issuer}${request.url}`, headers, query });
    return reply.redirect(`/playground/runs/${run.id}`, 303);
  });

  /** Polls at the interval the server asked for, until the flow ends. */
  function schedulePoll(run: Run): void {
    const device = run.device;
    if (!device || device.done) return;
    const timer = setTimeout(() => {
      timers.delete(timer);
      pollDevice(run, ctx).then(
        () => schedulePoll(run),
        (err: Error) => {
          device.done = true;
          run.succeeded = false;
          run.status = `Polling stopped: ${err.message}`;
        },
      );
    }, device.interval * 1000);
    timer.unref();
    timers.add(timer);
  }

  function ownRun(request: FastifyRequest, id: string): Run {
    const run = runs.find(id);
    if (!run || run.browser !== readCookie(request, BROWSER_COOKIE, options.csrf.secure)) {
      throw new NotFound('There is no such playground run in this browser (runs are kept for an hour, in the process that started them).');
    }
    return run;
  }
}

/** The browser's playground id, set on its first visit. */
function browserId(request: FastifyRequest, reply: FastifyReply, secure: boolean): string {
  let id = readCookie(request, BROWSER_COOKIE, secure);
  if (!id || id.length < 32) {
    id = randomToken(32);
    setCookie(reply, BROWSER_COOKIE, id, { secure });
  }
  return id;
}

/** Where this process is listening, as the request reached it: the playground calls Tessera there. */
function localBase(request: FastifyRequest): string {
  let address = request.socket.localAddress ?? '127.0.0.1';
  if (address.startsWith('::ffff:')) address = address.slice('::ffff:'.length);
  return `http://${address.includes(':') ? `[${address}]` : address}:${request.socket.localPort}`;
}

function formOf(request: FastifyRequest): Record<string, string> {
  const body = request.body;
  if (!body || typeof body !== 'object') throw new InvalidRequestNoRedirect('the form is missing: go back to the playground and try again');
  return singleValues(body);
}

/** Query or form parameters, each at most once (RFC 6749 §3.1: a repeated parameter is an error). */
function singleValues(query: unknown): Record<string, string> {
  const values: Record<string, string> = {};
  for (const [name, value] of Object.entries((query ?? {}) as Record<string, unknown>)) {
    if (typeof value !== 'string') throw new InvalidRequestNoRedirect(`the parameter ${name} was sent more than once`);
    values[name] = value;
  }
  return values;
}
