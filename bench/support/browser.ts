/**
 * Just enough of a browser to sign in on either provider's pages before the measurements:
 * a cookie jar (by name, host-only: both providers live on 127.0.0.1), manual redirects,
 * and HTML forms filled by the names of their fields.
 */
export interface Page {
  url: string;
  status: number;
  location?: string;
  body: string;
}

export interface Form {
  action: string;
  method: string;
  fields: Record<string, string>;
  /** Submit buttons with a name, as [name, value, label]. */
  buttons: [string, string, string][];
  html: string;
}

export class Browser {
  private readonly cookies = new Map<string, string>();

  cookieHeader(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  async request(url: string, init: { method?: string; body?: string; headers?: Record<string, string> } = {}): Promise<Page> {
    const headers: Record<string, string> = { ...init.headers };
    if (this.cookies.size) headers.cookie = this.cookieHeader();
    if (init.body !== undefined) headers['content-type'] ??= 'application/x-www-form-urlencoded';
    const response = await fetch(url, { method: init.method ?? 'GET', body: init.body, headers, redirect: 'manual' });
    for (const line of response.headers.getSetCookie()) {
      const [pair, ...attributes] = line.split(';');
      const at = pair.indexOf('=');
      const name = pair.slice(0, at).trim();
      const value = pair.slice(at + 1).trim();
      const expired = attributes.some(
        (a) => /^\s*max-age=0\s*$/i.test(a) || (/^\s*expires=/i.test(a) && Date.parse(a.split('=')[1]) < Date.now()),
      );
      if (expired || value === '') this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    const location = response.headers.get('location') ?? undefined;
    return { url, status: response.status, location: location && new URL(location, url).href, body: await response.text() };
  }

  /** Follows redirects until a page that is not one, or one that leaves for `stopAt` (the client's redirect URI). */
  async follow(url: string, stopAt: string, init?: { method?: string; body?: string; headers?: Record<string, string> }): Promise<Page> {
    let page = await this.request(url, init);
    for (let hops = 0; page.location && !page.location.startsWith(stopAt); hops++) {
      if (hops > 10) throw new Error(`too many redirects from ${url}`);
      page = await this.request(page.location);
    }
    return page;
  }

  async submit(page: Page, form: Form, values: Record<string, string>, stopAt: string, button?: [string, string]): Promise<Page> {
    const fields = { ...form.fields, ...values };
    if (button) fields[button[0]] = button[1];
    const body = new URLSearchParams(fields).toString();
    const action = new URL(form.action || page.url, page.url).href;
    if (form.method === 'get') return this.follow(`${action}${action.includes('?') ? '&' : '?'}${body}`, stopAt);
    return this.follow(action, stopAt, { method: 'POST', body });
  }
}

const decode = (s: string) =>
  s
    .replace(/&#x([0-9a-f]+);/gi, (_, hex: string) => String.fromCodePoint(parseInt(hex, 16)))
    .replace(/&#(\d+);/g, (_, dec: string) => String.fromCodePoint(Number(dec)))
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
const attribute = (tag: string, name: string) => {
  const match = tag.match(new RegExp(`\\s${name}\\s*=\\s*(?:"([^"]*)"|'([^']*)'|([^\\s>]+))`, 'i'));
  return match ? decode(match[1] ?? match[2] ?? match[3] ?? '') : undefined;
};

export function parseForms(html: string): Form[] {
  const forms: Form[] = [];
  for (const match of html.matchAll(/<form\b([^>]*)>([\s\S]*?)<\/form>/gi)) {
    const [, open, inner] = match;
    const fields: Record<string, string> = {};
    const buttons: [string, string, string][] = [];
    for (const input of inner.matchAll(/<input\b[^>]*>/gi)) {
      const name = attribute(input[0], 'name');
      const type = (attribute(input[0], 'type') ?? 'text').toLowerCase();
      if (!name) continue;
      if (type === 'submit') buttons.push([name, attribute(input[0], 'value') ?? '', attribute(input[0], 'value') ?? '']);
      else if ((type !== 'checkbox' && type !== 'radio') || /\schecked\b/i.test(input[0]))
        fields[name] = attribute(input[0], 'value') ?? '';
    }
    for (const button of inner.matchAll(/<button\b([^>]*)>([\s\S]*?)<\/button>/gi)) {
      const name = attribute(button[0], 'name');
      if (name) buttons.push([name, attribute(button[0], 'value') ?? '', button[2].replace(/<[^>]+>/g, '').trim()]);
    }
    forms.push({
      action: attribute(`<form ${open}>`, 'action') ?? '',
      method: (attribute(`<form ${open}>`, 'method') ?? 'get').toLowerCase(),
      fields,
      buttons,
      html: match[0],
    });
  }
  return forms;
}

const APPROVE = /allow|approve|accept|consent|authori[sz]e|continue|yes|grant/i;
const REFUSE = /deny|cancel|reject|decline|\bno\b/i;

/**
 * Walks a provider's pages from `page` until it redirects to `redirectUri`: fills the
 * sign-in form (a password field and its username field), approves the consent form.
 */
export async function completeInteraction(
  browser: Browser,
  page: Page,
  redirectUri: string,
  credentials: { username: string; password: string },
): Promise<Page> {
  for (let step = 0; step < 6; step++) {
    if (page.location?.startsWith(redirectUri)) return page;
    if (page.status !== 200) throw new Error(`unexpected ${page.status} at ${page.url}: ${page.body.slice(0, 300)}`);
    const forms = parseForms(page.body);
    const signIn = forms.find((f) => /type\s*=\s*["']?password/i.test(f.html));
    if (signIn) {
      const passwordField = signIn.html.match(/<input\b[^>]*type\s*=\s*["']?password[^>]*>/i)![0];
      const passwordName = attribute(passwordField, 'name')!;
      const userName = Object.keys(signIn.fields).find((n) => /user|login|email|name/i.test(n) && n !== passwordName) ?? 'username';
      page = await browser.submit(
        page,
        signIn,
        { [userName]: credentials.username, [passwordName]: credentials.password },
        redirectUri,
        signIn.buttons.find((b) => !REFUSE.test(b.join(' ')))?.slice(0, 2) as [string, string] | undefined,
      );
      continue;
    }
    const approve = forms.find(
      (f) =>
        f.buttons.some((b) => APPROVE.test(b.join(' ')) && !REFUSE.test(b.join(' '))) ||
        (APPROVE.test(f.action + f.html) && !REFUSE.test(f.html.replace(/<input[^>]*hidden[^>]*>/gi, ''))),
    );
    if (!approve) throw new Error(`no sign-in or consent form at ${page.url}: ${page.body.slice(0, 500)}`);
    const button = approve.buttons.find((b) => APPROVE.test(b.join(' ')) && !REFUSE.test(b.join(' ')));
    page = await browser.submit(page, approve, {}, redirectUri, button && [button[0], button[1]]);
  }
  throw new Error('the interaction did not reach the redirect URI');
}
