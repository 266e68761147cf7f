import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError } from '../config/config-error.js';
import type { Catalogues } from '../i18n/catalogues.js';
import { isLanguage } from '../i18n/languages.js';

/** What the operator's branding files hold, read once at startup. */
export interface BrandingFiles {
  css?: string;
  header?: string;
  footer?: string;
}

const placeholders = (text: string) => [...text.matchAll(/\{\{\s*(\w+)\s*\}\}/g)].map((m) => m[1]).sort();

/**
 * Reads `branding.cssFile` and `branding.templatesDir` (header.html, footer.html,
 * locales/<language>/<namespace>.json). Any problem stops startup with a ConfigError naming the
 * setting and the file: a misspelt key or a lost placeholder would otherwise show on every page.
 */
export function loadBranding(
  settings: { cssFile: string; templatesDir: string },
  catalogues: Catalogues,
): { files: BrandingFiles; catalogues: Catalogues } {
  const read = (setting: string, path: string) => {
    try {
      return readFileSync(path, 'utf8');
    } catch (err) {
      throw new ConfigError(setting, `cannot read ${path}: ${(err as Error).message}`);
    }
  };
  const files: BrandingFiles = {};
  if (settings.cssFile) {
    files.css = read('branding.cssFile', settings.cssFile);
    // The stylesheet sits in a <style> element: its end tag would close it early.
    if (/<\/style/i.test(files.css)) throw new ConfigError('branding.cssFile', 'must not contain </style');
  }
  const dir = settings.templatesDir;
  if (!dir) return { files, catalogues };
  if (!existsSync(dir)) throw new ConfigError('branding.templatesDir', `${dir} does not exist`);
  for (const part of ['header', 'footer'] as const) {
    const path = join(dir, `${part}.html`);
    if (existsSync(path)) files[part] = read('branding.templatesDir', path);
  }
  return { files, catalogues: overrideMessages(join(dir, 'locales'), catalogues) };
}

/** The built-in catalogues with the operator's messages in place of theirs, key by key. */
function overrideMessages(folder: string, catalogues: Catalogues): Catalogues {
  if (!existsSync(folder)) return catalogues;
  const merged = structuredClone(catalogues);
  for (const language of readdirSync(folder)) {
    const where = `${folder}/${language}`;
    if (!isLanguage(language)) throw new ConfigError('branding.templatesDir', `${where}: not a language Tessera speaks`);
    for (const file of readdirSync(where).filter((name) => name.endsWith('.json'))) {
      const namespace = file.slice(0, -'.json'.length);
      const problem = (message: string) => new ConfigError('branding.templatesDir', `${where}/${file}: ${message}`);
      const builtIn = merged[language][namespace];
      if (!builtIn) throw problem(`there is no namespace ${namespace}`);
      let messages: unknown;
      try {
        messages = JSON.parse(readFileSync(join(where, file), 'utf8'));
      } catch (err) {
        throw problem(`not valid JSON: ${(err as Error).message}`);
      }
      if (!messages || typeof messages !== 'object' || Array.isArray(messages)) throw problem('must be an object of key → message');
      for (const [key, message] of Object.entries(messages)) {
        if (!(key in builtIn)) throw problem(`there is no message ${key}`);
        if (typeof message !== 'string' || !message.trim()) throw problem(`${key} must be a non-empty string`);
        if (placeholders(message).join() !== placeholders(builtIn[key]).join())
          throw problem(`${key} must keep the placeholders of the original: ${builtIn[key]}`);
        builtIn[key] = message;
      }
    }
  }
  return merged;
}
