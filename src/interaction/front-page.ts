import { html, type SafeHtml } from './html.js';
import { renderPage } from './layout.js';
import type { PageContext } from './page-context.js';
import { translateHtml } from './translate-html.js';

export interface FrontPageOptions {
  issuer: string;
  /** Where the flow playground is served, when it is (dev mode or `playground.enabled`). */
  playgroundUrl?: string;
  /** The account page, where signed-in people manage their password, sessions and apps. */
  accountUrl: string;
}

/**
 * What a person who opens the issuer's address sees: which service this is (the brand's product
 * name), where to manage an account, in dev mode where to try the flows, and for developers
 * where the provider describes itself.
 */
export function renderFrontPage(ui: PageContext, { issuer, playgroundUrl, accountUrl }: FrontPageOptions): SafeHtml {
  const { t } = ui;
  const playground =
    playgroundUrl &&
    html`<p>${translateHtml(t, 'front:playground', { link: html`<a href="${playgroundUrl}" class="playground-link">${t('front:playground_link')}</a>` })}</p>`;
  return renderPage({
    ui,
    title: ui.brand.productName,
    body: html`<h1>${t('front:heading')}</h1>
      <p>${translateHtml(t, 'front:intro', { product: ui.brand.productName, issuer: html`<code>${issuer}</code>` })}</p>
      <p>${t('front:have_account')} <a href="${accountUrl}" class="account-link">${t('common:manage_account')}</a>: ${t('front:account_what')}</p>
      ${playground}
      <p class="links">
        <a href="${issuer}/.well-known/openid-configuration">${t('front:discovery')}</a><a href="${issuer}/jwks">${t('front:jwks')}</a>
      </p>`,
  });
}
