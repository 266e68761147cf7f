import type { FastifyReply, FastifyRequest } from 'fastify';
import { csrfToken, verifyCsrf, type CsrfOptions } from '../session/csrf.js';
import { InvalidRequestNoRedirect } from '../protocol/oauth-errors.js';
import { adminApiClient, type AdminApi } from './admin-api-client.js';
import type { ConsoleCookies, ConsoleSession } from './console-cookies.js';

/** What the console's route files receive. */
export interface ConsoleDeps {
  context: (request: FastifyRequest, reply: FastifyReply) => ConsoleContext | undefined;
  csrf: CsrfOptions;
  cookies: ConsoleCookies;
}

/** 303 (after a POST the browser follows with GET, RFC 9110 §15.4.4), never cached. */
export function redirect(reply: FastifyReply, location: string): FastifyReply {
  return reply.status(303).header('cache-control', 'no-store').header('location', location).send();
}

/** What every console page works with: the admin API as the signed-in person, and the CSRF token of its forms. */
export interface ConsoleContext {
  api: AdminApi;
  session: ConsoleSession;
  csrf: string;
  /** The page's header: who is signed in, and the sign-out form's token. */
  admin: { displayName: string; csrf: string };
}

export interface ConsoleContextOptions {
  issuer: string;
  fetch: typeof fetch;
  cookies: ConsoleCookies;
  csrf: CsrfOptions;
}

export type Form = Record<string, string | string[]>;

/**
 * The console's gate: with a live console session, the context; otherwise the browser goes to
 * the console's sign-in (which comes back to this page) and the route returns the reply.
 */
export function consoleContext(options: ConsoleContextOptions) {
  return (request: FastifyRequest, reply: FastifyReply): ConsoleContext | undefined => {
    const session = options.cookies.session(request);
    if (!session) {
      const back = request.method === 'GET' ? request.url : '/admin';
      void reply
        .status(303)
        .header('cache-control', 'no-store')
        .header('location', `/admin/login?return_to=${encodeURIComponent(back)}`)
        .send();
      return undefined;
    }
    const csrf = csrfToken(request, reply, options.csrf);
    return {
      api: adminApiClient(options.fetch, options.issuer, session.accessToken),
      session,
      csrf,
      admin: { displayName: session.displayName, csrf },
    };
  };
}

/** The posted form, its CSRF token checked (the console's forms change things with an administrator's powers). */
export function checkedForm(request: FastifyRequest, csrf: CsrfOptions): Form {
  const body = request.body;
  if (!body || typeof body !== 'object') throw new InvalidRequestNoRedirect('the form is missing: go back, reload the page and try again');
  const form = body as Form;
  const single: Record<string, string> = {};
  for (const [name, value] of Object.entries(form)) if (typeof value === 'string') single[name] = value;
  verifyCsrf(request, single, csrf);
  return form;
}

/** One text field of a form ('' when absent; the first when repeated). */
export function field(form: Form, name: string): string {
  const value = form[name];
  return (Array.isArray(value) ? value[0] : (value ?? '')).trim();
}

/** Every value of a repeated field (checkboxes). */
export function fields(form: Form, name: string): string[] {
  const value = form[name];
  return value === undefined ? [] : Array.isArray(value) ? value : [value];
}

/** Lines of a textarea, blank ones dropped. */
export function lines(form: Form, name: string): string[] {
  return field(form, name)
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter(Boolean);
}
