import { readdirSync, readFileSync } from 'node:fs';
import { LANGUAGES, type Language } from './languages.js';

/**
 * The message catalogues: `locales/<language>/<namespace>.json` at the package root (beside
 * `src/` and `dist/`, so translators edit plain JSON and the build copies nothing). Each file is
 * a flat object of key → message; `{{name}}` marks a value put in at render time.
 */
export const LOCALES_DIRECTORY = new URL('../../locales/', import.meta.url);

export type Catalogue = Record<string, string>;
/** language → namespace → catalogue. */
export type Catalogues = Record<Language, Record<string, Catalogue>>;

/** Reads every catalogue once (they are small: a few kilobytes per language). */
export function readCatalogues(directory: URL = LOCALES_DIRECTORY): Catalogues {
  const catalogues = {} as Catalogues;
  for (const language of LANGUAGES) {
    const folder = new URL(`${language}/`, directory);
    catalogues[language] = {};
    for (const file of readdirSync(folder)
      .filter((name) => name.endsWith('.json'))
      .sort())
      catalogues[language][file.slice(0, -'.json'.length)] = JSON.parse(readFileSync(new URL(file, folder), 'utf8')) as Catalogue;
  }
  return catalogues;
}
