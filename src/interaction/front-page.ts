import { html, type SafeHtml } from './html.js';
import { renderPage } from './layout.js';

export interface FrontPageOptions {
  issuer: string;
  /** Where the flow playground is served, when it is (dev mode or `playground.enabled`). */
  playgroundUrl?: string;
  /** The account page, where signed-in people manage their password, sessions and apps. */
  accountUrl: string;
}

/**
 * What a person who opens the issuer's address sees: what this service is, that there is nothing
 * to do here, and for developers where the provider describes itself.
 */
export function renderFrontPage({ issuer, playgroundUrl, accountUrl }: FrontPageOptions): SafeHtml {
  const playground = playgroundUrl
    ? html`<p>Try a flow in the <a href="${playgroundUrl}">playground</a>: it shows every request and token as it happens.</p>`
    : html``;
  return renderPage({
    title: 'Tessera',
    body: html`<div class="brand">Tessera</div>
      <h1>Sign-in service</h1>
      <p>This is the OpenID Connect provider at <code>${issuer}</code>. Applications send you here to sign in.</p>
      <p>Have an account here? <a href="${accountUrl}" class="account-link">Manage your account</a>: password, sessions, and the apps you
        gave access to.</p>
      ${playground}
      <p class="links">
        <a href="${issuer}/.well-known/openid-configuration">Discovery document</a><a href="${issuer}/jwks">Signing keys (JWKS)</a>
      </p>`,
  });
}
