import * as client from 'openid-client';
import { UpstreamError, UpstreamUnreachable } from './upstream-error.js';

/**
 * What an openid-client failure means for the person: the upstream said no (its `error`
 * parameter), the upstream could not be reached, or its answer failed a check.
 */
export function classifyUpstreamFailure(err: unknown): UpstreamError {
  if (err instanceof UpstreamError) return err;
  if (err instanceof client.AuthorizationResponseError) {
    const code = err.error;
    return new UpstreamError(
      code === 'access_denied' || code === 'consent_required' || code === 'login_required' ? 'denied' : 'invalid',
      `the upstream answered ${code}: ${err.error_description ?? ''}`,
      code,
    );
  }
  if (err instanceof client.ResponseBodyError)
    return new UpstreamError('invalid', `the upstream's token endpoint answered ${err.error}: ${err.error_description ?? ''}`, err.error);
  if (causes(err).some((cause) => cause instanceof UpstreamUnreachable)) return new UpstreamError('unavailable', messages(err));
  if (
    err instanceof client.ClientError &&
    ['OAUTH_RESPONSE_IS_NOT_CONFORM', 'OAUTH_RESPONSE_IS_NOT_JSON', 'OAUTH_TIMEOUT', 'OAUTH_ABORT', 'OAUTH_PARSE_ERROR'].includes(
      err.code ?? '',
    )
  )
    return new UpstreamError('unavailable', messages(err));
  return new UpstreamError('invalid', messages(err));
}

function causes(err: unknown): unknown[] {
  const chain: unknown[] = [];
  for (let current = err; current instanceof Error && chain.length < 10; current = current.cause) chain.push(current);
  return chain;
}

function messages(err: unknown): string {
  return causes(err)
    .map((e) => (e as Error).message)
    .join(': ');
}
