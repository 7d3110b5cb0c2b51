import { UserError } from "../errors.ts";

/** A RAM role ARN, acs:ram::<account uid>:role/<role name>, split into what callers need. */
export interface RoleArn {
  arn: string;
  accountId: string;
  roleName: string;
}

// RAM role names are 1-64 characters of letters, digits, '.', '-' and '_'; ARNs carry them lower-cased.
const ROLE_ARN = /^acs:ram::(\d{6,20}):role\/([A-Za-z0-9._-]{1,64})$/;

export function parseRoleArn(input: string, value: string): RoleArn {
  const match = ROLE_ARN.exec(value.trim());
  if (!match?.[1] || !match[2]) {
    throw new UserError(
      `${input} must be a RAM role ARN like acs:ram::<account uid>:role/<role name> (RAM console > Roles > the role > ARN); got ${JSON.stringify(value.slice(0, 80))}.`,
    );
  }
  return { arn: value.trim(), accountId: match[1], roleName: match[2] };
}

const OIDC_PROVIDER_ARN = /^acs:ram::(\d{6,20}):oidc-provider\/([A-Za-z0-9._-]{1,128})$/;

export function checkOidcProviderArn(input: string, value: string): string {
  if (!OIDC_PROVIDER_ARN.test(value.trim())) {
    throw new UserError(
      `${input} must be a RAM OIDC provider ARN like acs:ram::<account uid>:oidc-provider/<name> (RAM console > SSO > OIDC); got ${JSON.stringify(value.slice(0, 80))}.`,
    );
  }
  return value.trim();
}
