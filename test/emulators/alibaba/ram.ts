// RAM (Resource Access Management), RPC style on the emulator's one base URL like STS, told apart by
// Version 2015-05-01. Only what preflight reads: GetRole, signed, with RoleName, answering the role and
// its trust policy as the AssumeRolePolicyDocument string
// (https://www.alibabacloud.com/help/en/ram/developer-reference/api-ram-2015-05-01-getrole: RoleName
// "1 to 64 characters ... letters, digits, periods (.), and hyphens (-)"; ram:GetRole on
// acs:ram:*:{#accountId}:role/{#RoleName}). A role that does not exist is 404 EntityNotExist.Role; a
// caller without ram:GetRole gets 403 NoPermission, as every RAM action without a grant.
import type { Json } from "../json.ts";
import { AcsError, acs } from "./errors.ts";
import type { AlibabaState, Principal, Role } from "./state.ts";

export const RAM_VERSION = "2015-05-01";

// The documented name rule, plus '_' which RAM accepts in role names (RoleName in CreateRole).
const ROLE_NAME = /^[A-Za-z0-9._-]{1,64}$/;

export function handleRam(
  state: AlibabaState,
  params: URLSearchParams,
  action: string | undefined,
  caller: Principal | undefined,
): Json {
  if (!caller) throw new AcsError(400, "MissingAccessKeyId", "AccessKeyId is mandatory for this action.");
  if (action !== "GetRole") throw acs.actionNotFound(action);
  const roleName = params.get("RoleName");
  if (!roleName) throw new AcsError(400, "MissingRoleName", "RoleName is mandatory for this action.");
  if (!ROLE_NAME.test(roleName))
    throw new AcsError(400, "InvalidParameter.RoleName.InvalidChars", `The RoleName ${roleName} is invalid.`);
  if (caller.readsRam === false) throw acs.noPermission();
  const role = state.roles.get(`acs:ram::${state.accountId}:role/${roleName.toLowerCase()}`);
  if (!role)
    throw new AcsError(
      404,
      "EntityNotExist.Role",
      `The role not exists: acs:ram::${state.accountId}:role/${roleName}.`,
    );
  return {
    RequestId: state.requestId(),
    Role: {
      RoleId: roleId(role),
      RoleName: role.name,
      Arn: `acs:ram::${state.accountId}:role/${role.name}`,
      Description: "",
      AssumeRolePolicyDocument: role.trustDocument ?? trustDocument(state.accountId, role),
      CreateDate: "2024-01-01T00:00:00Z",
      UpdateDate: "2024-01-01T00:00:00Z",
      MaxSessionDuration: 3600,
      IsServiceLinkedRole: false,
    },
  };
}

/** The trust policy the role's `trust` says, in RAM's policy language (Version "1"). */
function trustDocument(accountId: string, role: Role): string {
  const statements: Json[] = [];
  const allow = (principal: Json, condition?: Json) =>
    statements.push({
      Action: "sts:AssumeRole",
      Effect: "Allow",
      Principal: principal,
      ...(condition ? { Condition: condition } : {}),
    });
  if (role.trust.services.length > 0) allow({ Service: role.trust.services });
  if (role.trust.principals?.length)
    allow({ RAM: role.trust.principals.map((name) => `acs:ram::${accountId}:${name}`) });
  if (role.trust.oidc)
    allow(
      { Federated: [role.trust.oidc.providerArn] },
      { StringEquals: { "oidc:sub": role.trust.oidc.subjects } },
    );
  return JSON.stringify({ Statement: statements, Version: "1" });
}

function roleId(role: Role): string {
  let hash = 0n;
  for (const char of role.arn) hash = (hash * 131n + BigInt(char.charCodeAt(0))) % 10n ** 17n;
  return String(hash).padStart(17, "3");
}
