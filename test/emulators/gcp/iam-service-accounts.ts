// IAM API v1, the one read-only call preflight makes: projects.serviceAccounts.testIamPermissions
// (https://docs.cloud.google.com/iam/docs/reference/rest/v1/projects.serviceAccounts/testIamPermissions):
// POST /v1/projects/*/serviceAccounts/*:testIamPermissions with {permissions: [...]}, wildcards not
// allowed; the answer lists the subset the caller holds on the account (the field is left out when
// none). The caller needs no permission to ask about itself, only a valid token; `-` stands for the
// project (the account's email names it). Served under /iam like the other APIs of the emulator.
import type { IncomingMessage, ServerResponse } from "node:http";
import { callerMembers, callerOf, permissionsToTest } from "./bearer-auth.ts";
import { jsonBody, sendGoogleError, sendJson } from "./http-io.ts";
import type { TokenContext } from "./token-context.ts";

const TEST_PATH = /^\/iam\/v1\/projects\/([^/]+)\/serviceAccounts\/([^/:]+):testIamPermissions$/;

// What roles/iam.serviceAccountUser grants on an account (the role `actors` records), and the other
// service-account permissions a caller may ask about; anything else is not testable on the resource.
const ACT_AS = ["iam.serviceAccounts.actAs", "iam.serviceAccounts.get", "iam.serviceAccounts.list"];
const TESTABLE = new Set([
  ...ACT_AS,
  "iam.serviceAccounts.getAccessToken",
  "iam.serviceAccounts.getOpenIdToken",
  "iam.serviceAccounts.implicitDelegation",
  "iam.serviceAccounts.signBlob",
  "iam.serviceAccounts.signJwt",
]);

export async function handleIamServiceAccounts(
  ctx: TokenContext,
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
): Promise<boolean> {
  const match = TEST_PATH.exec(path);
  if (!match) return false;
  const caller = await callerOf(ctx, req, res, path, "POST");
  if (!caller) return true;
  const email = decodeURIComponent(match[2] ?? "");
  const account = ctx.state.serviceAccounts.get(email);
  const body = await jsonBody(req, res);
  if (!body) return true;
  const permissions = permissionsToTest(res, body, TESTABLE);
  if (!permissions) return true;
  if (!account) return sendGoogleError(res, 404, `Unknown service account ${email}.`);
  const members = callerMembers(caller);
  const holds = members.some((member) => account.actors.has(member));
  const granted = holds ? permissions.filter((p) => ACT_AS.includes(p)) : [];
  return sendJson(res, 200, granted.length > 0 ? { permissions: granted } : {});
}
