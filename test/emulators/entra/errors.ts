// Entra's OAuth error responses. MSAL turns the body into a ServerError (errorCode = `error`,
// errorNo = error_codes[0], the AADSTS text in errorMessage), and callers branch on those, so the
// shape, the AADSTS numbers and the HTTP status are what the real service sends.
import { randomUUID } from "node:crypto";

export class AadError extends Error {
  readonly status: number;
  readonly error: string;
  readonly aadsts: number;

  constructor(status: number, error: string, aadsts: number, description: string) {
    super(`AADSTS${aadsts}: ${description}`);
    this.status = status;
    this.error = error;
    this.aadsts = aadsts;
  }
}

export interface AadErrorBody {
  error: string;
  error_description: string;
  error_codes: number[];
  timestamp: string;
  trace_id: string;
  correlation_id: string;
  error_uri: string;
}

/** The JSON body; `correlationId` echoes the client-request-id header when the client sent one. */
export function aadErrorBody(
  failure: AadError,
  now: Date,
  correlationId: string,
  traceId: string,
): AadErrorBody {
  // Entra's timestamp format: "2024-05-01 12:34:56Z".
  const timestamp = `${now.toISOString().slice(0, 19).replace("T", " ")}Z`;
  return {
    error: failure.error,
    error_description: `${failure.message}\r\nTrace ID: ${traceId}\r\nCorrelation ID: ${correlationId}\r\nTimestamp: ${timestamp}`,
    error_codes: [failure.aadsts],
    timestamp,
    trace_id: traceId,
    correlation_id: correlationId,
    error_uri: `https://login.microsoftonline.com/error?code=${failure.aadsts}`,
  };
}

export function newTraceId(): string {
  return randomUUID();
}

const failure = (status: number, error: string) => (aadsts: number, description: string) =>
  new AadError(status, error, aadsts, description);
// invalid_client is 401 at Entra; every other OAuth error is 400.
const client = failure(401, "invalid_client");
const request = failure(400, "invalid_request");

export const aad = {
  missingParameter: (name: string) =>
    request(900144, `The request body must contain the following parameter: '${name}'.`),
  malformed: () => request(9002313, "Invalid request. Request is malformed or invalid."),
  postOnly: (method: string) =>
    request(900561, `The endpoint only accepts POST, OPTIONS requests. Received a ${method} request.`),
  unsupportedGrant: (grant: string) =>
    failure(400, "unsupported_grant_type")(70003, `The app requested an unsupported grant type '${grant}'.`),
  tenantNotFound: (tenant: string) =>
    failure(400, "invalid_tenant")(
      90002,
      `Tenant '${tenant}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud. Check with your subscription administrator, this may happen if there are no active subscriptions for the tenant.`,
    ),
  clientNotFound: (clientId: string, tenant: string) =>
    failure(400, "unauthorized_client")(
      700016,
      `Application with identifier '${clientId}' was not found in the directory '${tenant}'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant.`,
    ),
  noCredential: () =>
    client(
      7000218,
      "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.",
    ),
  badAssertionType: (type: string) =>
    request(
      700003,
      `The client_assertion_type '${type}' is not supported; use urn:ietf:params:oauth:client-assertion-type:jwt-bearer.`,
    ),
  invalidSecret: (clientId: string) =>
    client(
      7000215,
      `Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${clientId}'.`,
    ),
  expiredSecret: (clientId: string) =>
    client(
      7000222,
      `The provided client secret keys for app '${clientId}' are expired. Visit the Azure portal to create new keys for your app: https://aka.ms/NewClientSecret, or consider using certificate credentials for added security: https://aka.ms/certCreds.`,
    ),
  malformedAssertion: () => request(50027, "JWT token is invalid or malformed."),
  assertionInvalid: (reason: string, clientId: string) =>
    client(
      700027,
      `Client assertion failed signature validation. [Reason - ${reason}, Please visit the Azure Portal, Graph Explorer or directly use MS Graph to see configured keys for app Id '${clientId}'.]`,
    ),
  assertionClaimInvalid: (reason: string) =>
    client(700027, `Client assertion contains an invalid claim. ${reason}`),
  assertionTime: (detail: string) =>
    client(700024, `Client assertion is not within its valid time range. ${detail}`),
  assertionClientMismatch: () =>
    client(700021, "Client assertion application identifier doesn't match 'client_id' parameter."),
  federatedIssuerUnknown: (issuer: string) =>
    client(
      700211,
      `No matching federated identity record found for presented assertion issuer '${issuer}'. Please check your federated identity credential Subject, Audience and Issuer against the presented assertion.`,
    ),
  federatedNoMatch: (issuer: string, subject: string, audience: string) =>
    request(
      70021,
      `No matching federated identity record found for presented assertion. Assertion Issuer: '${issuer}'. Assertion Subject: '${subject}'. Assertion Audience: '${audience}'. https://docs.microsoft.com/azure/active-directory/develop/workload-identity-federation`,
    ),
  invalidScope: (scope: string) =>
    failure(400, "invalid_scope")(
      1002012,
      `The provided value for scope ${scope} is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).`,
    ),
  resourceNotFound: (resource: string, tenant: string) =>
    failure(400, "invalid_resource")(
      500011,
      `The resource principal named ${resource} was not found in the tenant named ${tenant}. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You might have sent your authentication request to the wrong tenant.`,
    ),
};
