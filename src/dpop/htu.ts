/**
 * RFC 9449 §4.3 step 9: `htu` is compared with the request's URI without query and fragment,
 * after the syntax-based normalisation of RFC 3986 §6.2.2 and scheme-based normalisation of
 * §6.2.3 (scheme and host in lower case, the default port dropped, percent-encoding case):
 * what the URL parser does. The server's own URI is built from the issuer, never from the
 * request's Host header, so behind a proxy the issuer's origin decides.
 */
export function normalizeHtu(value: string): string | undefined {
  if (!URL.canParse(value)) return undefined;
  const url = new URL(value);
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return undefined;
  return `${url.protocol}//${url.host}${url.pathname}`;
}

export function htuMatches(claimed: unknown, expected: string): boolean {
  return typeof claimed === 'string' && normalizeHtu(claimed) === normalizeHtu(expected);
}
