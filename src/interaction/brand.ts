import { createHash } from 'node:crypto';
import { raw, type SafeHtml } from './html.js';
import { BASE_STYLESHEET } from './stylesheet.js';

/** How the pages look for this operator: name, logo, colours, and the header/footer partials. */
export interface Brand {
  productName: string;
  logoUrl?: string;
  faviconUrl?: string;
  /** An operator stylesheet linked after the inline one. */
  stylesheetUrl?: string;
  /** The inline stylesheet: Tessera's, then the primary colour, then the operator's CSS file. */
  stylesheet: string;
  /** CSP source of `stylesheet` (`'sha256-...'`). */
  styleHash: string;
  /** Origins of the logo, favicon and stylesheet URLs, for the CSP's img-src and style-src. */
  imageOrigins: string[];
  styleOrigins: string[];
  /** Operator markup shown above and below every page (branding.templatesDir header.html, footer.html). */
  header?: SafeHtml;
  footer?: SafeHtml;
}

export interface BrandSettings {
  productName: string;
  logoUrl: string;
  faviconUrl: string;
  primaryColor: string;
  stylesheetUrl: string;
}

/** What the operator's files add (branding/load-branding.ts reads them). */
export interface BrandFiles {
  css?: string;
  header?: string;
  footer?: string;
}

const originOf = (url: string | undefined) => (url ? [new URL(url).origin] : []);

/**
 * The brand from validated settings. The primary colour replaces the accent in the light scheme
 * (buttons, links, checkmarks); its contrast with white text was checked with the config
 * (WCAG AA). The dark scheme keeps its own light accent, which dark text reads on.
 */
export function buildBrand(settings: BrandSettings, files: BrandFiles = {}): Brand {
  const primary = settings.primaryColor
    ? `\n@media (prefers-color-scheme:light){:root{--accent:${settings.primaryColor};--accent-text:#fff}}\n`
    : '';
  const stylesheet = BASE_STYLESHEET + primary + (files.css ?? '');
  const images = [...new Set([...originOf(settings.logoUrl || undefined), ...originOf(settings.faviconUrl || undefined)])];
  return {
    productName: settings.productName,
    logoUrl: settings.logoUrl || undefined,
    faviconUrl: settings.faviconUrl || undefined,
    stylesheetUrl: settings.stylesheetUrl || undefined,
    stylesheet,
    styleHash: `'sha256-${createHash('sha256').update(stylesheet).digest('base64')}'`,
    imageOrigins: images,
    styleOrigins: originOf(settings.stylesheetUrl || undefined),
    // Operator files, read at startup: trusted like the config itself. The CSP still runs no script they add.
    header: files.header === undefined ? undefined : raw(files.header),
    footer: files.footer === undefined ? undefined : raw(files.footer),
  };
}

/** Tessera's own look (tests, and an operator who sets nothing). */
export const DEFAULT_BRAND: Brand = buildBrand({
  productName: 'Tessera',
  logoUrl: '',
  faviconUrl: '',
  primaryColor: '',
  stylesheetUrl: '',
});
