/** The sign-in page URL that comes back to `returnTo` (a local path such as `/device`) afterwards. */
export function loginUrl(issuer: string, returnTo: string, loginHint?: string): string {
  const query = new URLSearchParams({ return_to: returnTo });
  if (loginHint) query.set('login_hint', loginHint);
  return `${issuer}/login?${query}`;
}
