import { getRamRole } from "../../alibaba/ram-role.ts";
import type { RoleArn } from "../../alibaba/role-arn.ts";
import type { AlibabaKeys } from "../../alibaba/sdk-config.ts";
import { errorCode, shortMessage } from "../../alibaba/sdk-errors.ts";
import { type CheckRow, cannotTell, missing, ok } from "../check-row.ts";
import { FC_SERVICE, FC_TRUST_POLICY, fcTrust } from "./role-trust.ts";

export const ROLE_TRUST = "function role trusts Function Compute";
export const PASS_ROLE = "deployer may pass the function role (ram:PassRole)";

const TRUST_FIX = (role: RoleArn) =>
  `set the role's trust policy to ${FC_TRUST_POLICY} (RAM console > Roles > ${role.roleName} > Trust Policy > Edit Trust Policy)`;

/** The function role exists and its trust policy lets fc.aliyuncs.com assume it (RAM GetRole). */
export async function checkRoleTrust(
  keys: AlibabaKeys,
  override: string | undefined,
  role: RoleArn,
): Promise<CheckRow> {
  let document: string;
  try {
    document = (await getRamRole(keys, override, role.roleName)).trustDocument;
  } catch (error) {
    const code = errorCode(error);
    if (code === "EntityNotExist.Role")
      return missing(
        ROLE_TRUST,
        `role ${role.arn} does not exist`,
        `create it with a trust policy for ${FC_SERVICE} (RAM console > Roles > Create Role > Alibaba Cloud Service > Function Compute), or fix role`,
        true,
      );
    if (code === "NoPermission")
      return cannotTell(
        ROLE_TRUST,
        `the caller may not read RAM roles (GetRole answered NoPermission), so the trust policy of ${role.roleName} cannot be read`,
        `grant the deployer ram:GetRole on ${role.arn}, or check in RAM console > Roles > ${role.roleName} > Trust Policy that it trusts ${FC_SERVICE}`,
      );
    return cannotTell(
      ROLE_TRUST,
      `GetRole ${role.roleName} failed: ${code ? `${code}: ` : ""}${shortMessage(error)}`,
    );
  }
  switch (fcTrust(document)) {
    case "allowed":
      return ok(ROLE_TRUST, `${role.arn} trusts ${FC_SERVICE}`);
    case "denied":
      return missing(
        ROLE_TRUST,
        `the trust policy of ${role.arn} denies ${FC_SERVICE}`,
        TRUST_FIX(role),
        true,
      );
    case "absent":
      return missing(
        ROLE_TRUST,
        `the trust policy of ${role.arn} does not let ${FC_SERVICE} assume it`,
        TRUST_FIX(role),
        true,
      );
    case "conditional":
      return cannotTell(
        ROLE_TRUST,
        `the trust policy of ${role.arn} lets ${FC_SERVICE} assume it only under a Condition, which preflight cannot evaluate`,
        TRUST_FIX(role),
      );
    case "unreadable":
      return cannotTell(
        ROLE_TRUST,
        `the trust policy of ${role.arn} is not a RAM policy document preflight can read`,
      );
  }
}

/**
 * ram:PassRole cannot be told read-only: RAM offers no call that evaluates a principal's policies for an
 * action (no policy simulator), and reading and evaluating every attached policy (users, groups,
 * conditions, Deny) would need more RAM read grants than a deployer has. CreateFunction is the first call
 * that shows it.
 */
export function passRoleRow(role: RoleArn, caller: string | undefined): CheckRow {
  return cannotTell(
    PASS_ROLE,
    `RAM has no read-only call that evaluates whether ${caller ?? "the deployer"} is granted ram:PassRole on ${role.arn}; CreateFunction is the first call that shows it`,
    `attach to the deployer a policy allowing it: {"Version":"1","Statement":[{"Effect":"Allow","Action":"ram:PassRole","Resource":"${role.arn}"}]}`,
  );
}
