/**
 * Masks every occurrence of the given secrets (client secret, codes, verifiers, tokens, the Basic
 * credential) in a text: the first characters stay, so a reader can still tell values apart.
 */
export function maskSecrets(text: string, secrets: Iterable<string>): string {
  const sorted = [...secrets].filter((s) => s.length >= 8).sort((a, b) => b.length - a.length);
  let masked = text;
  for (const secret of sorted) masked = masked.split(secret).join(`${secret.slice(0, 4)}…[hidden]`);
  return masked;
}
