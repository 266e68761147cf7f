/** The media type of form bodies (RFC 6749 §3.2, RFC 7662 §2.1, RFC 7009 §2.1, OIDC Core §3.1.2.1). */
export const FORM_MEDIA_TYPE = 'application/x-www-form-urlencoded';

/** The media type of JSON bodies (RFC 7591 §3.1). */
export const JSON_MEDIA_TYPE = 'application/json';

/**
 * RFC 9110 §8.3.1: the media type of a Content-Type value without its parameters; type and
 * subtype are case-insensitive, so it is lower-cased. '' when the header is absent.
 */
export function mediaType(contentType: string | undefined): string {
  if (contentType === undefined) return '';
  const end = contentType.indexOf(';');
  return (end === -1 ? contentType : contentType.slice(0, end)).trim().toLowerCase();
}
