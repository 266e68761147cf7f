/** The sign-in page URL that comes back to `returnTo` (a local path such as `/device`) afterwards. */
export function loginUrl(issuer: string, returnTo: string, loginHint?: string): string {
  const query = new URLSearchParams({ return_to: returnTo });
  if (loginHint) query.set('login_hint', loginHint);
  return `${issuer}/login?${query}`;
}

/** The second-factor page of a signed-in person whose sign-in is too weak for the request (step-up). */
export function stepUpUrl(issuer: string, returnTo: string): string {
  return `${issuer}/login/second-factor?${new URLSearchParams({ return_to: returnTo })}`;
}

/** The page where a person without a second factor sets one up, then comes back to `returnTo`. */
export function enrollUrl(issuer: string, returnTo: string): string {
  return `${issuer}/account/security?${new URLSearchParams({ return_to: returnTo })}`;
}
