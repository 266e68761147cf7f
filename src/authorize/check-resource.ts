import { InvalidTarget } from '../http/oauth-errors.js';
import type { Params } from '../http/params.js';

/** RFC 8707 §2: a resource indicator is an absolute URI without a fragment. One per request here. */
export function checkResource(params: Params): string | undefined {
  const resource = params.resource;
  if (resource === undefined) return undefined;
  let url: URL;
  try {
    url = new URL(resource);
  } catch {
    throw new InvalidTarget('resource must be an absolute URI');
  }
  if (resource.includes('#') || url.hash) throw new InvalidTarget('resource must not contain a fragment');
  return resource;
}
