import { decodeProtectedHeader, errors, jwtVerify, type JWSHeaderParameters, type JWTPayload } from 'jose';
import type { Client } from '../clients/client.js';
import { clientKeysFor, type ClientJwks } from '../client-auth/client-jwks.js';
import { REQUEST_OBJECT_ALGORITHMS } from '../jose/algorithms.js';
import { InvalidRequestObject } from '../protocol/oauth-errors.js';
import type { Params } from '../protocol/params.js';
import { FAPI_REQUEST_OBJECT_WINDOW } from '../rules/fapi-profile.js';
import type { UsedJtisStore } from '../storage/ports.js';

export interface RequestObjectDeps {
  issuer: string;
  /** The key sets of clients that registered a `jwks_uri`. */
  jwks: ClientJwks;
  /** Request object `jti`s already used, when the object has one. */
  usedJtis: Pick<UsedJtisStore, 'remember'>;
}

/** Clock difference tolerated on exp, nbf and iat (seconds). */
const SKEW = 30;
/** A request object living longer than this is refused (its jti is remembered that long). */
const MAX_LIFETIME = 3600;
/** RFC 9101 §4: the registered claims that say who made the object for whom and when, not request parameters. */
const JWT_CLAIMS = new Set(['iss', 'aud', 'exp', 'nbf', 'iat', 'jti', 'sub']);
/** RFC 9101 §10.8: the media type a request object should carry; typ-less and plain JWT ones are taken too. */
const ACCEPTED_TYP = new Set(['oauth-authz-req+jwt', 'application/oauth-authz-req+jwt', 'JWT', 'jwt']);

/**
 * A signed request object (RFC 9101 §4, §6), verified, and turned into the request's
 * parameters. RFC 9101 §6.3: only the object's parameters count, not the query's (client_id
 * aside, which must agree). Unsigned (`alg: none`) objects are refused (RFC 9101 §10.1), and
 * every failure is invalid_request_object (§6.3, OIDC Core §3.1.2.6).
 */
export async function verifyRequestObject(
  deps: RequestObjectDeps,
  client: Client,
  requestObject: string,
  now: number,
  options: { fapi: boolean },
): Promise<Params> {
  const fail = (description: string, detail?: string) =>
    new InvalidRequestObject(description, `request object of ${client.clientId}: ${detail ?? description}`);
  let header: JWSHeaderParameters;
  try {
    header = decodeProtectedHeader(requestObject);
  } catch {
    throw fail('the request object is not a signed JWT');
  }
  if (requestObject.split('.').length !== 3) throw fail('the request object must be a signed JWT (encrypted ones are not supported)');
  // RFC 9101 §10.1, RFC 8725 §3.1: never `none`; OIDC Registration §2: the client's registered algorithm only.
  const registered = client.metadata.request_object_signing_alg;
  const algorithms = registered ? [registered] : [...REQUEST_OBJECT_ALGORITHMS];
  if (typeof header.alg !== 'string' || !algorithms.includes(header.alg))
    throw fail(`the request object must be signed with ${algorithms.join(', ')}`, `alg ${String(header.alg)}`);
  if (header.typ !== undefined && !ACCEPTED_TYP.has(header.typ)) throw fail('the request object has the wrong typ', `typ ${header.typ}`);

  const keys = await clientKeysFor(client.metadata, deps.jwks, header).catch((err: Error) => {
    throw fail('the request object cannot be verified: the client has no usable keys', err.message);
  });
  if (keys.length === 0) throw fail('no registered key of the client verifies the request object', `kid ${String(header.kid)}`);

  let claims: JWTPayload | undefined;
  for (const key of keys) {
    try {
      // RFC 9101 §4: iss is the client_id and aud the issuer; jose checks exp and nbf with the skew.
      ({ payload: claims } = await jwtVerify(requestObject, key, {
        algorithms,
        issuer: client.clientId,
        audience: deps.issuer,
        requiredClaims: ['exp'],
        clockTolerance: SKEW,
        currentDate: new Date(now * 1000),
      }));
      break;
    } catch (err) {
      if (err instanceof errors.JWTExpired) throw fail('the request object has expired');
      if (err instanceof errors.JWTClaimValidationFailed)
        throw fail(`the request object's ${err.claim} claim is not accepted`, err.message);
      if (err instanceof errors.JWTInvalid) throw fail('the request object is malformed', err.message);
      if (!(err instanceof errors.JOSEError || err instanceof TypeError)) throw err;
    }
  }
  if (!claims) throw fail('the request object signature does not verify');
  checkTimes(claims, now, options.fapi, fail);

  // RFC 9101 §5: client_id inside, when present, is the client's.
  if (claims.client_id !== undefined && claims.client_id !== client.clientId)
    throw fail('the client_id in the request object does not match the request');
  // RFC 9101 §4: "request" and "request_uri" must not be inside a request object.
  if (claims.request !== undefined || claims.request_uri !== undefined)
    throw fail('a request object must not contain request or request_uri');
  // Optional replay protection (RFC 9101 §10.7 leaves it to the server): a jti is used once.
  if (typeof claims.jti === 'string' && claims.jti !== '') {
    const fresh = await deps.usedJtis.remember(`request-object:${client.clientId}:${claims.jti}`, claims.exp! + SKEW, now);
    if (!fresh) throw fail('the request object was already used', `jti ${claims.jti} replayed`);
  }
  return toParams(claims, client.clientId);
}

function checkTimes(claims: JWTPayload, now: number, fapi: boolean, fail: (d: string, detail?: string) => InvalidRequestObject): void {
  const exp = claims.exp!;
  if (claims.iat !== undefined && claims.iat > now + SKEW) throw fail('the request object was issued in the future');
  if (exp > now + MAX_LIFETIME + SKEW) throw fail('the request object expires too far in the future');
  if (!fapi) return;
  // FAPI: nbf is required, not more than 60 minutes old, and exp - nbf at most 60 minutes.
  const nbf = claims.nbf;
  if (typeof nbf !== 'number') throw fail('the request object must have an nbf claim');
  if (nbf < now - FAPI_REQUEST_OBJECT_WINDOW) throw fail('the request object nbf is more than 60 minutes in the past');
  if (exp - nbf > FAPI_REQUEST_OBJECT_WINDOW) throw fail('the request object lives longer than 60 minutes (exp - nbf)');
}

/** The object's request parameters as form values: strings as they are, JSON members (claims) serialised. */
function toParams(claims: JWTPayload, clientId: string): Params {
  const params = Object.create(null) as Params;
  for (const [name, value] of Object.entries(claims)) {
    if (JWT_CLAIMS.has(name) || value === null || value === undefined || value === '') continue;
    params[name] = typeof value === 'string' ? value : JSON.stringify(value);
  }
  params.client_id = clientId;
  return params;
}
