import { resolveKeys } from "../../alibaba/credentials.ts";
import { describeError, isUserError } from "../../errors.ts";
import type { StepContext } from "../../step-context.ts";
import { type CheckRow, missing } from "../check-row.ts";
import type { FcPreflightInputs } from "./fc-preflight-inputs.ts";
import { checkIdentity, IDENTITY } from "./identity-check.ts";
import { checkAcrInstance, checkImageRegion } from "./image-checks.ts";
import { checkRoleTrust, passRoleRow } from "./role-check.ts";

/**
 * The Function Compute checks, read-only: the credentials and the region's endpoint (STS
 * GetCallerIdentity), the function role's trust policy (RAM GetRole), ram:PassRole (cannot tell, and
 * why), and an image's registry region and ACR instance. Without working credentials the calls after
 * would fail the same way, so one row says why.
 */
export async function fcRows(inputs: FcPreflightInputs, ctx: StepContext): Promise<CheckRow[]> {
  const override = ctx.endpoints.alibaba;
  const rows: CheckRow[] = [];
  if (inputs.image)
    rows.push(
      checkImageRegion(inputs.image, inputs.region),
      checkAcrInstance(inputs.image, inputs.acrInstanceId),
    );
  let keys: Awaited<ReturnType<typeof resolveKeys>>;
  try {
    keys = await resolveKeys(inputs.credentials, ctx, inputs.region);
  } catch (error) {
    // A failed AssumeRoleWithOIDC explains itself (UserError naming role-to-assume and the fix).
    if (!isUserError(error)) throw error;
    return [
      missing(IDENTITY, describeError(error), "see the message: it names the input to fix", true),
      ...rows,
    ];
  }
  const identity = await checkIdentity(keys, override, inputs.region, inputs.accountId);
  if (!identity.identity) return [identity.row, ...rows];
  const first = [identity.row];
  if (inputs.role)
    first.push(
      await checkRoleTrust(keys, override, inputs.role),
      passRoleRow(inputs.role, identity.identity.arn),
    );
  return [...first, ...rows];
}
