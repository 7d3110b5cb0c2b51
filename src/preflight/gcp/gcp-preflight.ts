import { describeError } from "../../errors.ts";
import { authFailure } from "../../gcp/auth-failure.ts";
import {
  chooseGcpCredential,
  type GcpCredentialInputs,
  type GithubTokenSource,
} from "../../gcp/credential-choice.ts";
import { accessTokenClient, checkAccessToken, principalOf } from "../../gcp/credentials.ts";
import { googleEndpoints } from "../../gcp/google-endpoints.ts";
import type { StepContext } from "../../step-context.ts";
import { type CheckRow, missing, ok } from "../check-row.ts";
import { checkActAs } from "./act-as-check.ts";
import { checkRegistry, registryRepositoryOf } from "./registry-check.ts";
import { checkRunApi } from "./run-api-check.ts";

export const GOOGLE_CREDENTIALS = "Google credentials give an access token";

/** cloud-run-deploy's inputs preflight looks at (cloud: cloud-run). */
export interface GcpPreflightInputs extends GcpCredentialInputs {
  project: string;
  region: string;
  /** The image to deploy: an Artifact Registry image's repository is checked. */
  image?: string;
  /** The service account the Cloud Run service runs as: the deployer must be able to act as it. */
  runtimeServiceAccount?: string;
}

/**
 * Google's read-only checks: an access token for the deployer, then the project, region and Cloud Run
 * Admin API, acting as the runtime service account, and the image's Artifact Registry repository.
 */
export async function gcpPreflightRows(
  inputs: GcpPreflightInputs,
  ctx: StepContext,
  tools: GithubTokenSource,
): Promise<CheckRow[]> {
  // A bad credential input is the user's to fix before anything is asked: it fails the step.
  const credential = chooseGcpCredential(inputs, ctx, tools);
  const principal = principalOf(credential);
  const endpoints = googleEndpoints(ctx.endpoints.gcp);
  const auth = accessTokenClient(credential, endpoints, (token) => ctx.secrets.register(token));
  try {
    await checkAccessToken(auth);
    const { token } = await auth.getAccessToken();
    if (token) ctx.secrets.register(token);
  } catch (error) {
    // Without a token every other call would fail the same way: one row says why.
    const explained = authFailure(error);
    return [
      missing(
        GOOGLE_CREDENTIALS,
        `Google gave ${principal} no access token: ${describeError(explained ?? error)}`,
        "fix the credential input the message names (credentials-json, or workload-identity-provider and service-account)",
        true,
      ),
    ];
  }
  const rows: CheckRow[] = [ok(GOOGLE_CREDENTIALS, `access token issued for ${principal}`)];
  rows.push(...(await checkRunApi(auth, endpoints, inputs.project, inputs.region, principal)));
  if (inputs.runtimeServiceAccount) {
    rows.push(await checkActAs(auth, endpoints, inputs.runtimeServiceAccount, principal, inputs.project));
  }
  const repository = inputs.image ? registryRepositoryOf(inputs.image) : undefined;
  if (repository) rows.push(...(await checkRegistry(auth, endpoints, repository, principal)));
  return rows;
}
