import type { JWTPayload } from "jose";
import { show, timeDifference } from "./smoke-token-diagnosis.ts";

/** Who answers the smoke test's URL: each refuses a call for its own reasons, in its own words. */
export type SmokePlatform = "oci-gateway" | "cloud-run" | "fc";

/** What a failed positive check on Cloud Run or Function Compute tells (the token's claims, never the token). */
export interface PlatformFailure {
  status: number;
  url: string;
  claims?: JWTPayload | "undecodable" | undefined;
  nowSeconds: number;
}

/**
 * The platform a URL's host belongs to, for the standalone smoke-test action (a pipeline says which).
 * Cloud Run: <service>-<hash>.a.run.app or <service>-<project number>.<region>.run.app; Function
 * Compute 3.0 HTTP triggers: <id>.<region>.fcapp.run; OCI API Gateway:
 * <id>.apigateway.<region>.oci.customer-oci.com. A custom domain is not recognised.
 */
export function platformOfUrl(url: string): SmokePlatform | undefined {
  let host: string;
  try {
    host = new URL(url).hostname.toLowerCase();
  } catch {
    return undefined;
  }
  if (host.endsWith(".run.app")) return "cloud-run";
  if (host.endsWith(".fcapp.run")) return "fc";
  if (/\.apigateway\.[a-z0-9-]+\.oci\.customer-oci\.com$/.test(host)) return "oci-gateway";
  return undefined;
}

const RUN_TROUBLESHOOTING = "https://cloud.google.com/run/docs/troubleshooting";
const RUN_SERVICE_TO_SERVICE = "https://cloud.google.com/run/docs/authenticating/service-to-service";
const RUN_INGRESS = "https://cloud.google.com/run/docs/securing/ingress";
const FC_JWT =
  "https://www.alibabacloud.com/help/en/functioncompute/fc/user-guide/configure-jwt-authentication-for-an-http-trigger";

/**
 * Cloud Run checks the caller before the container sees the request: 401 for a token that is not a
 * Google-signed ID token for this service (audience, signature, expiry), 403 for an identity without
 * roles/run.invoker (or no token), 404 for a call its ingress setting does not let in. Any other
 * status is the container's own answer.
 */
export function cloudRunCause(call: PlatformFailure): string | undefined {
  const { claims } = call;
  if (call.status === 401 && claims !== undefined) {
    if (claims === "undecodable") {
      return `Cloud Run refused the token (401): it is not a JWT; Cloud Run takes a Google-signed ID token whose aud is the service's URL (gcp-id-token's id-token output, not an access token) (${RUN_SERVICE_TO_SERVICE}).`;
    }
    const expired = timeDifference(claims, call.nowSeconds, 0);
    const why = expired ? `${expired}` : `the token has aud ${show(claims.aud)} and iss ${show(claims.iss)}`;
    return `Cloud Run refused the token (401): it takes a Google-signed ID token (not an access token) whose aud is the service's URL or one of its custom audiences; ${why} (${RUN_SERVICE_TO_SERVICE}).`;
  }
  if (call.status === 403) {
    const who =
      claims !== undefined && claims !== "undecodable" && claims.email ? ` ${show(claims.email)}` : "";
    return `Cloud Run found the caller${who} not allowed to invoke the service (403): grant it roles/run.invoker on the service (cloud-run-deploy's invokers input, the pipeline's invoker-service-account) and call with its ID token (${RUN_TROUBLESHOOTING}).`;
  }
  if (call.status === 404) {
    return `Cloud Run answered 404: a service whose ingress is internal or internal-and-cloud-load-balancing answers 404 to calls from outside its network (${RUN_INGRESS}), or the function serves nothing at ${pathOf(call.url)}.`;
  }
  if (call.status === 503) {
    return `Cloud Run answered 503: the revision could not serve (its container failed to start, crashed or ran out of memory): read the service's logs (${RUN_TROUBLESHOOTING}).`;
  }
  if (call.status >= 500) {
    return `the function itself answered ${call.status} (Cloud Run passes the container's answer through): read the service's logs for its error (${RUN_TROUBLESHOOTING}).`;
  }
  return undefined;
}

/**
 * A Function Compute HTTP trigger with JWT authentication verifies the token's signature against the
 * JWKS stored in the trigger and its exp/nbf, and answers 401 before the function runs; it checks no
 * issuer or audience, so the function checks the claims the trigger forwards (aud, iss, tid) and
 * answers for itself (the example function: 401). A function that throws or times out is answered 502.
 */
export function fcCause(call: PlatformFailure): string | undefined {
  const { claims } = call;
  if ((call.status === 401 || call.status === 403) && claims !== undefined) {
    if (claims === "undecodable") {
      return `the HTTP trigger's JWT authentication refused the token (${call.status}): it is not a JWT (${FC_JWT}).`;
    }
    const expired = timeDifference(claims, call.nowSeconds, 0);
    if (expired)
      return `the HTTP trigger's JWT authentication refused the token (${call.status}): ${expired} (${FC_JWT}).`;
    const held = ["aud", "iss", "tid"].filter((name) => claims[name] !== undefined);
    const seen = held.map((name) => `${name} ${show(claims[name])}`).join(", ");
    return `the token was refused (${call.status}) either by the HTTP trigger's JWT check, before the function ran (its signature must match a key of the JWKS stored in the trigger, a copy taken when fc-deploy wrote it: if the issuer rotated its keys since, deploy again), or by the function's own check of the claims the trigger forwards (the token has ${seen || "no aud, iss or tid"}) (${FC_JWT}).`;
  }
  if (call.status === 404) {
    return `no HTTP trigger or function path answers ${pathOf(call.url)}: call fc-deploy's http-trigger-url output (plus a path the function serves).`;
  }
  if (call.status === 502) {
    return "the function failed (Function Compute answers 502 when the function throws an error or times out): read the function's logs for its error.";
  }
  if (call.status >= 500)
    return `the function itself answered ${call.status}: read the function's logs for its error.`;
  return undefined;
}

/** A URL's path, or the text itself when it is no URL. */
export function pathOf(url: string): string {
  try {
    return new URL(url).pathname;
  } catch {
    return url;
  }
}
