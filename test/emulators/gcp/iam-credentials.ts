// IAM Credentials generateIdToken / generateAccessToken: the caller (a federated or service account
// token) must hold roles/iam.workloadIdentityUser or serviceAccountTokenCreator on the account.
import type { IncomingMessage, ServerResponse } from "node:http";
import { authenticate, callerMembers } from "./bearer-auth.ts";
import { INVALID_CREDENTIALS, readBody, sendGoogleError, sendJson } from "./http-io.ts";
import { CLOUD_PLATFORM, mintIdToken, TOKEN_LIFETIME_SECONDS, type TokenContext } from "./token-context.ts";

export async function iamCredentials(
  ctx: TokenContext,
  req: IncomingMessage,
  res: ServerResponse,
  email: string,
  method: string,
): Promise<true> {
  const caller = await authenticate(ctx, req);
  if (!caller) {
    return sendGoogleError(res, 401, INVALID_CREDENTIALS);
  }
  if (req.method !== "POST") return sendGoogleError(res, 404, "Not Found");
  let body: Record<string, unknown>;
  try {
    body = JSON.parse((await readBody(req)).toString("utf8")) as Record<string, unknown>;
  } catch {
    return sendGoogleError(res, 400, "Invalid JSON payload received.");
  }
  const allowed =
    method === "generateIdToken"
      ? ["audience", "includeEmail", "delegates", "useEmailAzp"]
      : ["scope", "lifetime", "delegates"];
  const unknown = Object.keys(body).filter((key) => !allowed.includes(key));
  if (unknown.length > 0)
    return sendGoogleError(
      res,
      400,
      `Invalid JSON payload received. Unknown name "${unknown[0]}": Cannot find field.`,
    );
  const account = ctx.state.serviceAccounts.get(email);
  const permission =
    method === "generateIdToken"
      ? "iam.serviceAccounts.getOpenIdToken"
      : "iam.serviceAccounts.getAccessToken";
  if (!account || !callerMembers(caller).some((member) => account.impersonators.has(member))) {
    return sendGoogleError(res, 403, `Permission '${permission}' denied on resource (or it may not exist).`);
  }
  if (method === "generateIdToken") {
    if (typeof body.audience !== "string" || body.audience === "")
      return sendGoogleError(res, 400, "Missing required field: audience.");
    return sendJson(res, 200, { token: await mintIdToken(ctx, account, body.audience) });
  }
  if (!Array.isArray(body.scope) || !body.scope.includes(CLOUD_PLATFORM))
    return sendGoogleError(res, 400, "Scope required.");
  const token = ctx.state.issueToken(
    { principal: `serviceAccount:${account.email}`, memberships: [], kind: "service-account" },
    TOKEN_LIFETIME_SECONDS,
    ctx.now().getTime(),
  );
  return sendJson(res, 200, {
    accessToken: token,
    expireTime: new Date(ctx.now().getTime() + TOKEN_LIFETIME_SECONDS * 1000).toISOString(),
  });
}
