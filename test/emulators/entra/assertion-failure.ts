// Maps a jose verification failure of a client assertion (certificate or federated) to the AADSTS
// error Entra gives for it: lifetime problems are 700024, everything else 700027.
import { errors } from "jose";
import { AadError, aad } from "./errors.ts";

export function assertionFailure(error: unknown, clientId: string): AadError {
  if (error instanceof AadError) return error;
  if (error instanceof errors.JWTExpired) return aad.assertionTime(`The assertion expired: ${error.message}`);
  if (error instanceof errors.JWTClaimValidationFailed) {
    if (error.claim === "nbf") return aad.assertionTime(`The assertion is not yet valid: ${error.message}`);
    return aad.assertionClaimInvalid(`Claim '${error.claim}': ${error.message}`);
  }
  if (error instanceof errors.JWSSignatureVerificationFailed)
    return aad.assertionInvalid("The signature is not valid.", clientId);
  if (error instanceof errors.JOSEAlgNotAllowed) return aad.assertionInvalid(error.message, clientId);
  if (error instanceof errors.JWKSNoMatchingKey)
    return aad.assertionInvalid("The key was not found.", clientId);
  return aad.assertionInvalid(error instanceof Error ? error.message : String(error), clientId);
}
