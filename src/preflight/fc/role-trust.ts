/**
 * Whether a RAM trust policy (a role's AssumeRolePolicyDocument) lets Function Compute assume the role:
 * a statement whose Action covers sts:AssumeRole and whose Principal.Service names fc.aliyuncs.com
 * (https://www.alibabacloud.com/help/en/ram/developer-reference/api-ram-2015-05-01-getrole shows the
 * document; RAM's policy language: Effect Allow/Deny, Action and Principal values a string or a list).
 * A Deny wins over any Allow; an Allow under a Condition depends on the request, so it cannot be told.
 */
export type FcTrust = "allowed" | "denied" | "conditional" | "absent" | "unreadable";

export const FC_SERVICE = "fc.aliyuncs.com";

/** The trust policy to set so FC may assume a role, as the fix names it. */
export const FC_TRUST_POLICY = JSON.stringify({
  Statement: [{ Action: "sts:AssumeRole", Effect: "Allow", Principal: { Service: [FC_SERVICE] } }],
  Version: "1",
});

export function fcTrust(document: string): FcTrust {
  let policy: unknown;
  try {
    policy = JSON.parse(document);
  } catch {
    return "unreadable";
  }
  const statements = (policy as { Statement?: unknown } | null)?.Statement;
  if (!Array.isArray(statements)) return "unreadable";
  let result: FcTrust = "absent";
  for (const statement of statements as Record<string, unknown>[]) {
    if (!coversAssumeRole(statement.Action) || !namesFc(statement.Principal)) continue;
    if (statement.Effect === "Deny") return "denied";
    if (statement.Effect !== "Allow") continue;
    const conditional =
      statement.Condition !== undefined && Object.keys(statement.Condition ?? {}).length > 0;
    if (!conditional) result = "allowed";
    else if (result === "absent") result = "conditional";
  }
  return result;
}

function list(value: unknown): string[] {
  if (typeof value === "string") return [value];
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === "string") : [];
}

function coversAssumeRole(action: unknown): boolean {
  return list(action).some((item) => ["sts:assumerole", "sts:*", "*"].includes(item.toLowerCase()));
}

function namesFc(principal: unknown): boolean {
  if (typeof principal !== "object" || principal === null) return false;
  return list((principal as { Service?: unknown }).Service).some((item) => item.toLowerCase() === FC_SERVICE);
}
