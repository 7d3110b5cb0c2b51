import type { CredentialInputs } from "../../alibaba/credentials.ts";
import type { RoleArn } from "../../alibaba/role-arn.ts";

/** What the Function Compute checks look at: fc-deploy's own inputs, under its names. */
export interface FcPreflightInputs {
  region: string;
  credentials: CredentialInputs;
  /** The function's role (fc-deploy's `role`). */
  role?: RoleArn;
  /** The container image (fc-deploy's `image`). */
  image?: string;
  /** fc-deploy's `acr-instance-id`, as given (checked by the ACR row, not refused up front). */
  acrInstanceId?: string;
  /** fc-deploy's `account-id`, compared with the account the credentials belong to. */
  accountId?: string;
}
