/** The route that continues a sealed authorization request after sign-in. */
export const RESUME_ROUTE = '/auth/resume';
/** Its one parameter: the sealed request. */
export const INTERACTION_PARAM = 'interaction';

/** The local path that resumes a sealed request (a return_to of the sign-in page). */
export function resumePath(sealed: string): string {
  return `${RESUME_ROUTE}?${INTERACTION_PARAM}=${encodeURIComponent(sealed)}`;
}

/** The sealed request a local path resumes, when it is a resume path. */
export function sealedOfResumePath(path: string | undefined): string | undefined {
  if (!path?.startsWith(`${RESUME_ROUTE}?`)) return undefined;
  return new URLSearchParams(path.slice(RESUME_ROUTE.length + 1)).get(INTERACTION_PARAM) ?? undefined;
}
