// A Cloud Run service's own HTTPS URL (its `uri`), enforcing what Cloud Run enforces before a request
// reaches the function, in Cloud Run's order and with its answers:
//   ingress internal(-and-cloud-load-balancing) and the caller outside the VPC -> 404 Page not found
//   no bearer token (invoker IAM checks on)                                   -> 403 Forbidden
//   a token that is not a Google ID token for this URL (audience, signature)  -> 401 Unauthorized
//   a valid token whose email lacks roles/run.invoker                         -> 403 Forbidden
//   otherwise                                                                 -> the function's answer
// "Inside the VPC" is decided by the network a request arrives on, as Cloud Run does: the emulator
// listens twice, and only the internal listener (the VPC side, see GcpEmulator.internalUrlOf) counts
// as internal. Nothing in the request itself can claim it.
// A tag's URL (TAG---<host>, see traffic.ts) reaches that tag's revision; the main URL the split. Each
// revision answers with its own image's function. Either URL takes an ID token whose audience is the
// service's own URL: "The default Google-generated URL always remains as an accepted audience value",
// and audiences are set per service, applying to all its revisions
// (https://cloud.google.com/run/docs/configuring/custom-audiences); a tag URL's own is accepted too.
import type { IncomingMessage, ServerResponse } from "node:http";
import { createLocalJWKSet, jwtVerify } from "jose";
import type { SigningKeys } from "../entra/signing-keys.ts";
import { helloHttp } from "./hello-http.ts";
import { readBody, sendText } from "./http-io.ts";
import { invokerMembers } from "./invoker.ts";
import type { GcpState, ServedCode, ServiceRecord } from "./state.ts";
import { GOOGLE_ISSUER } from "./token-context.ts";
import { revisionServing } from "./traffic.ts";

export interface ServiceUrlContext {
  state: GcpState;
  googleKeys: SigningKeys;
  now: () => Date;
}

const NOT_FOUND =
  "<html><title>Error 404 (Not Found)</title><h1>Error: Page not found</h1><h2>The requested URL was not found on this server.</h2></html>";
const forbidden = (path: string) =>
  `<html><title>403 Forbidden</title><h1>Error: Forbidden</h1><h2>Your client does not have permission to get URL <code>${path}</code> from this server.</h2></html>`;
const unauthorized = (path: string) =>
  `<html><title>401 Unauthorized</title><h1>Error: Unauthorized</h1><h2>Your client does not have permission to the requested URL <code>${path}</code>.</h2></html>`;

export async function handleServiceUrl(
  ctx: ServiceUrlContext,
  req: IncomingMessage,
  res: ServerResponse,
  baseUrl: string,
  internal: boolean,
): Promise<true> {
  const url = new URL(req.url ?? "/", baseUrl);
  const [, segment = "", ...rest] = url.pathname.split("/");
  const functionPath = `/${rest.join("/")}`;
  const tagged = /^([a-z][a-z0-9-]*[a-z0-9])---(.+)$/.exec(segment);
  const service = findService(ctx.state, tagged?.[2] ?? segment);
  if (!service) return sendText(res, 404, NOT_FOUND);
  const revision = revisionServing(service, tagged?.[1], requestCount(service));
  if (!revision) return sendText(res, 404, NOT_FOUND);
  const ingress = String(service.body.ingress);
  if (!internal && ingress !== "INGRESS_TRAFFIC_ALL") return sendText(res, 404, NOT_FOUND);
  const uri = String(service.body.uri);
  const members = invokerMembers(ctx.state, String(service.body.name));
  const publicService = service.body.invokerIamDisabled === true || members.includes("allUsers");
  if (!publicService) {
    const token = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? "")?.[1];
    if (!token) return sendText(res, 403, forbidden(functionPath));
    let email: string;
    try {
      const { payload } = await jwtVerify(token, createLocalJWKSet(ctx.googleKeys.jwks()), {
        algorithms: ["RS256"],
        issuer: GOOGLE_ISSUER,
        audience: [uri, `${uri}/`, ...(tagged ? [tagUri(uri, tagged[1] ?? "")] : [])],
        currentDate: ctx.now(),
      });
      email = typeof payload.email === "string" ? payload.email : "";
    } catch {
      return sendText(res, 401, unauthorized(functionPath), {
        "www-authenticate":
          'Bearer error="invalid_token" error_description="The access token could not be verified"',
      });
    }
    const member = email.endsWith(".gserviceaccount.com") ? `serviceAccount:${email}` : `user:${email}`;
    if (!members.includes(member) && !members.includes("allAuthenticatedUsers")) {
      return sendText(res, 403, forbidden(functionPath));
    }
  }
  const body = await readBody(req);
  const code = await codeOf(ctx.state, revision.image);
  if (code) {
    const answer = code({ query: url.searchParams, contentType: req.headers["content-type"], body });
    return sendText(res, answer.status, answer.body, { "content-type": "text/plain; charset=utf-8" });
  }
  const answer = helloHttp(url.searchParams, req.headers["content-type"], body);
  return sendText(res, 200, answer, { "content-type": "text/html; charset=utf-8" });
}

/** The function an image runs: registered, or found by the resolver (and kept), else hello_http. */
async function codeOf(state: GcpState, image: string): Promise<ServedCode | undefined> {
  const known = state.imageCode.get(image);
  if (known || !state.codeResolver) return known;
  const found = await state.codeResolver(image);
  if (found) state.imageCode.set(image, found);
  return found;
}

const served = new WeakMap<ServiceRecord, number>();

/** How many requests the service's main URL has had, for the split's deterministic routing. */
function requestCount(service: ServiceRecord): number {
  const count = served.get(service) ?? 0;
  served.set(service, count + 1);
  return count;
}

function tagUri(uri: string, tag: string): string {
  const host = uri.replace(/^.*\//, "");
  return `${uri.slice(0, uri.length - host.length)}${tag}---${host}`;
}

function findService(state: GcpState, segment: string): ServiceRecord | undefined {
  return [...state.services.values()].find((service) => String(service.body.uri).endsWith(`/${segment}`));
}
