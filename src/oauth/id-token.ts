import { errors, type JWTPayload, jwtVerify } from 'jose';
import { hashSecret, sameHash } from '../crypto/random.js';
import { AppError } from '../http/errors.js';
import { UnexpectedResponseError, UpstreamNetworkError } from '../upstream/errors.js';
import type { KeyLookup } from './jwks.js';

/**
 * The checks of OpenID Connect Core §3.1.3.7 on an ID token from the token
 * endpoint, for a provider whose account is read from it. The answer of a
 * failed check is a fixed sentence per rule: never the token, never jose's
 * message or error (which carry the claims).
 */

/** Signatures the broker accepts: asymmetric only, so neither `none` nor a MAC keyed with the client secret. */
export const ID_TOKEN_ALGORITHMS = [
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'ES256',
  'ES384',
  'ES512',
  'Ed25519',
  'EdDSA',
];

/** Clocks differ: the broker's may be this far behind or ahead of the issuer's. */
export const CLOCK_LEEWAY_SECONDS = 30;
/** A token issued longer ago than this is not one the code exchange just produced. */
export const MAX_ID_TOKEN_AGE_SECONDS = 5 * 60;

export interface IdTokenExpectations {
  /** The provider's issuer, resolved for the connection: `iss` must be exactly it. */
  issuer: string;
  clientId: string;
  jwksUri: string;
  providerId: string;
  /** The hash of the nonce the authorization request sent; null when it sent none (then none can match). */
  nonceHash: string | null;
}

/** The claims of a valid ID token; throws `id_token_missing` or `id_token_invalid` (both 502) otherwise. */
export async function validateIdToken(
  keyFor: KeyLookup,
  idToken: string | null,
  expected: IdTokenExpectations,
  /** The broker's clock, epoch ms. */
  now: number,
): Promise<JWTPayload> {
  if (idToken === null) {
    throw new AppError('id_token_missing', 'the provider’s token answer has no id_token');
  }
  let claims: JWTPayload;
  try {
    ({ payload: claims } = await jwtVerify(
      idToken,
      (header) => keyFor(expected.jwksUri, expected.providerId, header),
      {
        algorithms: ID_TOKEN_ALGORITHMS,
        issuer: expected.issuer,
        audience: expected.clientId,
        requiredClaims: ['sub', 'exp', 'iat'],
        clockTolerance: CLOCK_LEEWAY_SECONDS,
        maxTokenAge: MAX_ID_TOKEN_AGE_SECONDS,
        currentDate: new Date(now),
      },
    ));
  } catch (error) {
    // The key set could not be had: the provider failed, not the token (a 502 or 504 of its own).
    if (error instanceof UpstreamNetworkError || error instanceof UnexpectedResponseError) throw error;
    throw invalid(reasonOf(error));
  }
  if (typeof claims.sub !== 'string' || claims.sub === '') throw invalid('it has no sub');
  const audiences = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
  // §3.1.3.7 items 4 and 5: with several audiences the token must say it was issued to this client.
  if ((audiences.length > 1 || claims.azp !== undefined) && claims.azp !== expected.clientId) {
    throw invalid('its azp is not the client id');
  }
  const nonce = claims.nonce;
  if (
    expected.nonceHash === null ||
    typeof nonce !== 'string' ||
    !sameHash(hashSecret(nonce), expected.nonceHash)
  ) {
    throw invalid('its nonce is not the one sent');
  }
  return claims;
}

const invalid = (reason: string) =>
  new AppError('id_token_invalid', `the provider’s ID token was refused: ${reason}`);

// jose's claim errors name the claim; the rest are told by their class. Values are never repeated.
const claimReasons: Record<string, string> = {
  iss: 'it names another issuer',
  aud: 'it is not for this client',
  sub: 'it has no sub',
  exp: 'it has expired',
  iat: 'its iat is too old or in the future',
  nbf: 'it is not valid yet',
};

function reasonOf(error: unknown): string {
  if (error instanceof errors.JWTExpired) return claimReasons[error.claim] ?? 'it has expired';
  if (error instanceof errors.JWTClaimValidationFailed) {
    return claimReasons[error.claim] ?? `its ${error.claim} claim is not acceptable`;
  }
  if (error instanceof errors.JOSEAlgNotAllowed) return 'its algorithm is not an accepted asymmetric one';
  if (error instanceof errors.JWKSNoMatchingKey) return 'no key of the issuer matches its header';
  if (error instanceof errors.JWKSMultipleMatchingKeys) return 'several keys of the issuer match its header';
  if (error instanceof errors.JWSSignatureVerificationFailed) return 'its signature does not verify';
  return 'it is not a well-formed signed JWT';
}
