/**
 * A browser without a browser: a cookie jar over fetch that signs in and consents through
 * Tessera's HTML forms (scraping the CSRF token and hidden fields), so token-side tests can
 * get an authorization code in a few lines:
 *
 *   const { code } = await authorize(server.url, { client_id, redirect_uri, scope: 'openid', ... });
 *
 * The default user is DEFAULT_USER; pass `username`/`password` for another. The jar can be
 * reused across calls (single sign-on), and `consent: 'deny'` presses Deny.
 */

export const DEFAULT_USER = {
  username: 'alice',
  password: 'alice-password',
  claims: { name: 'Alice Example', email: 'alice@example.com', email_verified: true },
};

export class CookieJar {
  private readonly cookies = new Map<string, string>();

  store(response: Response): void {
    for (const line of response.headers.getSetCookie()) {
      const [pair, ...attrs] = line.split(';');
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      const maxAge = attrs.map((a) => a.trim().toLowerCase()).find((a) => a.startsWith('max-age='));
      if (value === '' || maxAge === 'max-age=0') this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  header(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  get(name: string): string | undefined {
    return this.cookies.get(name);
  }

  delete(name: string): void {
    this.cookies.delete(name);
  }
}

/** One request with the jar's cookies, never following redirects. */
export async function browse(
  jar: CookieJar,
  url: string,
  init: { method?: string; form?: Record<string, string>; headers?: Record<string, string> } = {},
): Promise<Response> {
  const headers: Record<string, string> = { ...init.headers };
  const cookie = jar.header();
  if (cookie) headers.cookie = cookie;
  let body: string | undefined;
  if (init.form) {
    headers['content-type'] = 'application/x-www-form-urlencoded';
    body = new URLSearchParams(init.form).toString();
  }
  const response = await fetch(url, { method: init.method ?? (init.form ? 'POST' : 'GET'), headers, body, redirect: 'manual' });
  jar.store(response);
  return response;
}

function unescapeHtml(value: string): string {
  return value
    .replace(/&#(\d+);/g, (_, n) => String.fromCharCode(Number(n)))
    .replace(/&amp;/g, '&')
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>');
}

function attribute(tag: string, name: string): string | undefined {
  const match = new RegExp(`\\s${name}="([^"]*)"`).exec(tag);
  return match ? unescapeHtml(match[1]) : undefined;
}

export interface ParsedForm {
  action: string;
  /** Hidden and prefilled inputs. */
  fields: Record<string, string>;
  /** name=value of each submit button. */
  buttons: { name?: string; value?: string; className?: string }[];
}

/** The forms of a page, with their hidden fields (enough for Tessera's plain HTML forms). */
export function parseForms(html: string): ParsedForm[] {
  const forms: ParsedForm[] = [];
  for (const match of html.matchAll(/<form\b([^>]*)>([\s\S]*?)<\/form>/g)) {
    const fields: Record<string, string> = {};
    for (const input of match[2].matchAll(/<input\b[^>]*>/g)) {
      const name = attribute(input[0], 'name');
      if (name) fields[name] = attribute(input[0], 'value') ?? '';
    }
    const buttons = [...match[2].matchAll(/<button\b[^>]*>/g)].map((b) => ({
      name: attribute(b[0], 'name'),
      value: attribute(b[0], 'value'),
      className: attribute(b[0], 'class'),
    }));
    forms.push({ action: attribute(match[0], 'action') ?? '', fields, buttons });
  }
  return forms;
}

export interface AuthorizeOptions {
  jar?: CookieJar;
  username?: string;
  password?: string;
  /** What to press on the consent page (default allow). */
  consent?: 'allow' | 'deny';
  /** Stop at most after this many steps (loops are a test failure). */
  maxSteps?: number;
}

export interface AuthorizeResult {
  /** The parameters the client received (query, fragment or form_post body). */
  params: URLSearchParams;
  code?: string;
  state?: string;
  iss?: string;
  error?: string;
  /** Where the browser landed (the redirect URI with its query or fragment). */
  location: string;
  /** Which pages the person saw on the way, e.g. ['login', 'consent']. */
  pages: string[];
  jar: CookieJar;
}

/**
 * Runs an authorization request like a browser would: follows redirects inside the server,
 * fills the sign-in form, answers the consent page, and stops at the first response that
 * goes to the client (a redirect elsewhere, or a form_post page).
 */
export async function authorize(
  issuer: string,
  params: Record<string, string> | URLSearchParams,
  options: AuthorizeOptions = {},
): Promise<AuthorizeResult> {
  const jar = options.jar ?? new CookieJar();
  const pages: string[] = [];
  let response = await browse(jar, `${issuer}/auth?${new URLSearchParams(params)}`);
  for (let step = 0; step < (options.maxSteps ?? 10); step++) {
    if (response.status >= 300 && response.status < 400) {
      const location = new URL(response.headers.get('location')!, issuer).toString();
      if (!location.startsWith(`${issuer}/`)) return finish(location, new URL(location), pages, jar);
      response = await browse(jar, location);
      continue;
    }
    const html = await response.text();
    const forms = parseForms(html);
    if (html.includes('class="login-submit"')) {
      pages.push('login');
      const form = forms[0];
      response = await browse(jar, form.action, {
        form: { ...form.fields, login: options.username ?? DEFAULT_USER.username, password: options.password ?? DEFAULT_USER.password },
      });
      if (response.status === 200 && pages.filter((p) => p === 'login').length > 1) throw new Error('sign-in failed twice');
      continue;
    }
    if (html.includes('name="decision"')) {
      pages.push('consent');
      const form = forms[0];
      response = await browse(jar, form.action, { form: { ...form.fields, decision: options.consent ?? 'allow' } });
      continue;
    }
    if (html.includes('id="form-post"')) {
      pages.push('form_post');
      const form = forms[0];
      return finish(form.action, new URL(form.action), pages, jar, new URLSearchParams(form.fields));
    }
    throw new Error(`unexpected page (HTTP ${response.status}): ${html.slice(0, 800)}`);
  }
  throw new Error('too many steps');
}

function finish(location: string, url: URL, pages: string[], jar: CookieJar, posted?: URLSearchParams): AuthorizeResult {
  const params = posted ?? (url.hash ? new URLSearchParams(url.hash.slice(1)) : url.searchParams);
  return {
    params,
    code: params.get('code') ?? undefined,
    state: params.get('state') ?? undefined,
    iss: params.get('iss') ?? undefined,
    error: params.get('error') ?? undefined,
    location,
    pages,
    jar,
  };
}

/** Signs in through GET/POST /login (no authorization request); returns the jar holding the session. */
export async function signInWithForm(
  issuer: string,
  username = DEFAULT_USER.username,
  password = DEFAULT_USER.password,
  jar = new CookieJar(),
): Promise<{ jar: CookieJar; response: Response }> {
  const page = await browse(jar, `${issuer}/login?return_to=/`);
  const form = parseForms(await page.text())[0];
  const response = await browse(jar, form.action, { form: { ...form.fields, login: username, password } });
  return { jar, response };
}
