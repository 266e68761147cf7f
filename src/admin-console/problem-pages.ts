import { html, type SafeHtml } from '../interaction/html.js';
import type { ApiProblem } from './admin-api-client.js';
import type { ConsolePage } from './console-layout.js';

/** A problem the admin API reported, in words, inside a page (forms show it above their fields). */
export function problemAlert(problem: ApiProblem): SafeHtml {
  if (problem.status === 412) {
    return html`<div class="alert problem" role="alert"><strong>Someone else changed this in the meantime.</strong>
Your change was not saved. Reload the page to see the current version, then make your change again.</div>`;
  }
  return html`<div class="alert problem" role="alert"><strong>${problem.title}</strong>${problem.detail ? html`: ${problem.detail}` : ''}
<span class="muted">(HTTP ${problem.status})</span></div>`;
}

/** A whole page for a problem no form can show: what went wrong, and a way back. */
export function problemPage(problem: ApiProblem, back: string, admin?: ConsolePage['admin']): ConsolePage {
  return {
    title: problem.status === 412 ? 'Changed by someone else' : problem.title,
    admin,
    narrow: true,
    body: html`<h1>${problem.status === 412 ? 'Changed by someone else' : 'That did not work'}</h1>${problemAlert(problem)}
<p><a href="${back}">${problem.status === 412 ? 'Reload' : 'Go back'}</a></p>`,
  };
}

/** For a person whose account holds no admin role: a clear answer instead of an empty console. */
export function notAdminPage(): ConsolePage {
  return {
    title: 'You are not an administrator',
    narrow: true,
    body: html`<h1>You are not an administrator</h1>
<p>The account you signed in with does not hold the administrator role, so it cannot use the admin console.</p>
<p class="muted">An administrator can grant the role with <code>tessera users grant-admin USERNAME</code>.
If you have another account that is an administrator, sign out of this one on <a href="/account">your account page</a>
and open the console again.</p>`,
  };
}

/** After signing out of the console. */
export function signedOutPage(): ConsolePage {
  return {
    title: 'Signed out of the console',
    narrow: true,
    body: html`<h1>Signed out of the console</h1>
<p>The console no longer holds an admin token for this browser.</p>
<p class="muted">Your Tessera session itself is still open: end it from <a href="/account">your account</a>.</p>
<p><a class="button" href="/admin/login">Sign in to the console again</a></p>`,
  };
}

/** The sign-in came back with an error that is not about the admin role. */
export function refusedPage(error: string, description?: string): ConsolePage {
  return {
    title: 'Sign-in to the console failed',
    narrow: true,
    body: html`<h1>Sign-in to the console failed</h1>
<div class="alert" role="alert"><code>${error}</code>${description ? html`: ${description}` : ''}</div>
<p><a href="/admin/login">Try again</a></p>`,
  };
}
