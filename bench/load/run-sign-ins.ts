import { Browser, parseForms } from '../support/browser.js';
import type { SignInResult, SignInSpec } from './load-spec.js';
import { runAutocannon } from './run-autocannon.js';

/**
 * Password sign-ins as fast as the provider takes them: each one opens an authorization
 * request, gets the sign-in page and posts the password; it counts when the provider moves
 * on (a redirect). Token requests at a fixed rate run beside it when `beside` is given.
 */
export async function runSignIns(spec: SignInSpec): Promise<SignInResult> {
  const deadline = Date.now() + spec.duration * 1000;
  let signIns = 0;
  let failures = 0;
  let sample: string | undefined;
  const loop = async () => {
    while (Date.now() < deadline) {
      try {
        const browser = new Browser();
        const page = await browser.follow(spec.url + spec.authorizePath, spec.redirectUri);
        const form = parseForms(page.body).find((f) => /type\s*=\s*["']?password/i.test(f.html));
        if (!form) throw new Error(`no sign-in form (${page.status}): ${page.body.slice(0, 200)}`);
        const passwordName = /<input\b[^>]*type\s*=\s*["']?password[^>]*name\s*=\s*["']?([^"'\s>]+)/i.exec(form.html)?.[1] ?? 'password';
        const userName = Object.keys(form.fields).find((n) => /user|login|email|name/i.test(n) && n !== passwordName) ?? 'username';
        const body = new URLSearchParams({ ...form.fields, [userName]: spec.username, [passwordName]: spec.password }).toString();
        const answer = await browser.request(new URL(form.action || page.url, page.url).href, { method: 'POST', body });
        if (answer.status >= 300 && answer.status < 400) signIns++;
        else throw new Error(`sign-in answered ${answer.status}: ${answer.body.slice(0, 200)}`);
      } catch (err) {
        failures++;
        sample ??= String((err as Error).message ?? err);
      }
    }
  };
  const started = Date.now();
  const [beside] = await Promise.all([
    spec.beside ? runAutocannon(spec.beside) : Promise.resolve(undefined),
    ...Array.from({ length: spec.concurrency }, loop),
  ]);
  const seconds = (Date.now() - started) / 1000;
  return { rate: signIns / seconds, signIns, failures, sample, beside };
}
