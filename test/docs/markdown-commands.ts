/**
 * What the documentation tells a reader to run, read out of Markdown: the `tessera` command
 * lines and the URLs of the shell code blocks, the server URLs of the prose, and the links.
 */

export interface TesseraCommand {
  file: string;
  /** The words after `tessera`, as a shell would split them. */
  words: string[];
}

export interface EndpointUse {
  file: string;
  /** The HTTP method a `curl` line uses, or undefined for a URL in prose (any method will do). */
  method?: string;
  path: string;
  line: string;
}

/** The hosts that stand for Tessera in the docs; other hosts are apps and APIs. */
const TESSERA_URL = /(?:https?:\/\/(?:localhost:3000|id\.example\.com)|\$ISSUER)(\/[^\s'"\\?#)<>`]*)?/g;

/** The fenced code blocks of a Markdown text, with their language. */
export function codeBlocks(markdown: string): { lang: string; code: string }[] {
  return [...markdown.matchAll(/^```(\w*)[^\n]*\n([\s\S]*?)^```/gm)].map((m) => ({ lang: m[1], code: m[2] }));
}

/** The logical lines of a shell block: continuations joined, comments dropped. */
export function shellLines(code: string): string[] {
  return code
    .replace(/\\\n\s*/g, ' ')
    .split('\n')
    .map((line) => line.replace(/(^|\s)#\s.*$/, '').trim())
    .filter(Boolean);
}

/** A shell word splitter good enough for the docs: quotes group, `$(`...`)` stays one word. */
export function shellWords(text: string): string[] {
  const words: string[] = [];
  for (const m of text.matchAll(/"([^"]*)"|'([^']*)'|(\S+)/g)) words.push(m[1] ?? m[2] ?? m[3]);
  return words;
}

export function tesseraCommands(file: string, markdown: string): TesseraCommand[] {
  const found: TesseraCommand[] = [];
  for (const { lang, code } of codeBlocks(markdown)) {
    if (lang !== 'sh' && lang !== 'bash') continue;
    for (const line of shellLines(code)) {
      // `tessera` or `npx tessera` in command position (line start or after a list operator, past any
      // VAR=value prefixes; not an argument such as `docker build -t tessera .`, not `tessera-idp`),
      // up to the next pipe or list operator.
      for (const m of line.matchAll(/(?:^|[;|&(])\s*(?:\w+=\S*\s+)*(?:npx\s+)?tessera\s+([^|;&)]*)/g))
        found.push({ file, words: shellWords(m[1]) });
    }
  }
  return found;
}

export function endpointUses(file: string, markdown: string): EndpointUse[] {
  const uses: EndpointUse[] = [];
  for (const { lang, code } of codeBlocks(markdown)) {
    if (lang !== 'sh' && lang !== 'bash') continue;
    for (const line of shellLines(code)) {
      if (!/(^|[\s(])curl\s/.test(line)) continue;
      const method = /\s-X\s*(\w+)/.exec(line)?.[1] ?? (/\s(-d|--data\S*|-F)\s/.test(line) ? 'POST' : 'GET');
      for (const m of line.matchAll(TESSERA_URL)) uses.push({ file, method, path: m[1] ?? '/', line });
    }
  }
  // Everywhere else (prose, URLs shown in plain blocks): the path must exist for some method.
  for (const line of markdown.split('\n')) {
    if (/(^|[\s(])curl\s/.test(line)) continue;
    for (const m of line.matchAll(TESSERA_URL)) if (m[1]) uses.push({ file, path: m[1].replace(/(.)\/$/, '$1'), line });
  }
  return uses;
}

/** Relative links `[text](target)` of a Markdown text. */
export function relativeLinks(markdown: string): string[] {
  const withoutCode = markdown.replace(/^```[\s\S]*?^```/gm, '');
  return [...withoutCode.matchAll(/\]\(([^)\s]+)\)/g)].map((m) => m[1]).filter((target) => !/^[a-z]+:/.test(target));
}

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces as dashes. */
export function headingAnchors(markdown: string): Set<string> {
  const withoutCode = markdown.replace(/^```[\s\S]*?^```/gm, '');
  return new Set(
    [...withoutCode.matchAll(/^#{1,6}\s+(.+)$/gm)].map((m) =>
      m[1]
        .trim()
        .toLowerCase()
        .replace(/[^\p{L}\p{N}\s_-]/gu, '')
        .replace(/\s/g, '-'),
    ),
  );
}
