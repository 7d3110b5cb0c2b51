// getIamPolicy/setIamPolicy state: etags as Google issues them; a write with a stale etag is 409
// ABORTED and changes nothing.
import type { IncomingMessage, ServerResponse } from "node:http";
import { jsonBody, sendGoogleError, sendJson } from "./http-io.ts";
import { shapeProblems } from "./proto-shape.ts";
import { newEtag, type PolicyRecord } from "./state.ts";
import type { TokenContext } from "./token-context.ts";

const MEMBER =
  /^(user|serviceAccount|group|domain|principal|principalSet):\S+$|^allUsers$|^allAuthenticatedUsers$/;

export function policyOf(ctx: TokenContext, resource: string): PolicyRecord {
  let policy = ctx.state.policies.get(resource);
  if (!policy) {
    policy = { version: 1, bindings: [], etag: "ACAB" };
    ctx.state.policies.set(resource, policy);
  }
  return policy;
}

export function policyJson(policy: PolicyRecord): Record<string, unknown> {
  return {
    version: policy.version,
    etag: policy.etag,
    ...(policy.bindings.length > 0 ? { bindings: policy.bindings } : {}),
  };
}

export async function setIamPolicy(
  ctx: TokenContext,
  req: IncomingMessage,
  res: ServerResponse,
  resource: string,
): Promise<true> {
  const body = await jsonBody(req, res);
  if (!body) return true;
  const problems = shapeProblems(body, "google.iam.v1.SetIamPolicyRequest");
  if (problems.length > 0 || typeof body.policy !== "object" || body.policy === null)
    return sendGoogleError(
      res,
      400,
      `Invalid JSON payload received. ${problems[0] ?? "policy is required."}`,
    );
  if (!ctx.state.services.has(resource))
    return sendGoogleError(res, 404, `Resource '${resource}' does not exist.`);
  const policy = body.policy as {
    bindings?: { role?: string; members?: string[]; condition?: unknown }[];
    etag?: string;
    version?: number;
  };
  const current = policyOf(ctx, resource);
  if (policy.etag !== undefined && policy.etag !== current.etag)
    return sendGoogleError(
      res,
      409,
      "There were concurrent policy changes. Please retry the whole read-modify-write with exponential backoff.",
      "ABORTED",
    );
  for (const binding of policy.bindings ?? []) {
    if (!binding.role?.startsWith("roles/"))
      return sendGoogleError(res, 400, `Role ${String(binding.role)} is not a valid role.`);
    const bad = (binding.members ?? []).find((member) => !MEMBER.test(member));
    if (bad !== undefined || (binding.members ?? []).length === 0)
      return sendGoogleError(
        res,
        400,
        `Invalid member ${JSON.stringify(bad ?? "")} in binding for ${binding.role}.`,
      );
  }
  const stored: PolicyRecord = {
    version: policy.version ?? 1,
    bindings: (policy.bindings ?? []).map((binding) => ({
      role: binding.role ?? "",
      members: [...(binding.members ?? [])],
      ...(binding.condition ? { condition: binding.condition } : {}),
    })),
    etag: newEtag(),
  };
  ctx.state.policies.set(resource, stored);
  return sendJson(res, 200, policyJson(stored));
}
