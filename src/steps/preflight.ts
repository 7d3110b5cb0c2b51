import { readTokenClaims, type TokenClaims } from "../entra/token-claims.ts";
import { describeError, isUserError } from "../errors.ts";
import { ociCallOptions } from "../oci/call-options.ts";
import { type AuthInputs, readAuth } from "../oci/gateway/gateway-auth-input.ts";
import type { OciProfile } from "../oci/oci-clients.ts";
import { type CheckRow, cannotTell, missing } from "../preflight/check-row.ts";
import type { FcPreflightInputs } from "../preflight/fc/fc-preflight-inputs.ts";
import type { GcpPreflightInputs } from "../preflight/gcp/gcp-preflight.ts";
import { blockingRows, rowLines } from "../preflight/report.ts";
import type { StepContext } from "../step-context.ts";
import type { EntraTokenInputs, EntraTokenTools } from "./entra-token.ts";
import type { IssuedToken } from "./entra-token-handover.ts";

/**
 * What preflight looks at: the same values the deploy stages take. Every part is optional; a check runs
 * when its inputs are there (the pipeline fills them from the stages it will run).
 */
export interface PreflightInputs {
  ociProfile?: OciProfile;
  /** Where a named application is looked up (fn-deploy's compartment-ocid). */
  compartmentOcid?: string;
  /** Name or OCID of the Functions application (fn-deploy). */
  application?: string;
  /** A function the route calls when fn-deploy does not run (gateway-deploy's function-id). */
  functionId?: string;
  /** The OCIR repository's name below the namespace, as the Artifacts API shows it. */
  repository?: string;
  gatewayOcid?: string;
  /** gateway-deploy's token inputs: the JWKS and issuers the gateway will use. */
  auth?: AuthInputs;
  /** An access token to check against the gateway (masked; never printed). */
  token?: string;
  /** The entra-token stage's inputs: preflight requests the token that stage would get. */
  entra?: EntraTokenInputs;
  /** cloud: cloud-run — Google's checks, with cloud-run-deploy's credential inputs. */
  gcp?: GcpPreflightInputs;
  /** `cloud: fc`: the Function Compute checks (src/preflight/fc). */
  fc?: FcPreflightInputs;
}

export interface PreflightHooks {
  /** The token preflight requested for the entra-token stage's inputs: the pipeline hands it to that stage. */
  onEntraToken?(issued: IssuedToken): void;
}

export interface PreflightResult {
  rows: CheckRow[];
  /** A miss that would surely fail the deploy. */
  blocked: boolean;
}

/**
 * Read-only checks of everything a first deploy depends on but does not create: OCI credentials,
 * compartment, application, repository, gateway, the gateway → functions IAM policy, the remote JWKS,
 * the token issuers and the Entra token version. Each check is one row (ok, missing with its fix, or
 * cannot tell with why); no call changes anything.
 */
export async function runPreflight(
  inputs: PreflightInputs,
  ctx: StepContext,
  tools: Partial<EntraTokenTools> = {},
  hooks: PreflightHooks = {},
): Promise<PreflightResult> {
  if (inputs.token) ctx.secrets.register(inputs.token);
  // Bad inputs fail here, before any call, as they would in gateway-deploy.
  const auth = inputs.auth ? readAuth(inputs.auth) : undefined;
  const rows: CheckRow[] = [];
  if (inputs.ociProfile) rows.push(...(await ociRows(inputs, inputs.ociProfile, ctx)));
  if (inputs.gcp) {
    const { gcpPreflightRows } = await import("../preflight/gcp/gcp-preflight.ts");
    const githubIdToken =
      tools.githubIdToken ?? (() => Promise.reject(new Error("no GitHub OIDC token source")));
    rows.push(...(await gcpPreflightRows(inputs.gcp, ctx, { githubIdToken })));
  }
  if (inputs.fc) {
    const { fcRows } = await import("../preflight/fc/fc-rows.ts");
    rows.push(...(await fcRows(inputs.fc, ctx)));
  }
  if (auth) {
    const [{ checkJwks }, { checkIssuers }] = await Promise.all([
      import("../preflight/jwks-check.ts"),
      import("../preflight/issuer-check.ts"),
    ]);
    const tenantId = inputs.auth?.entraTenantId?.trim();
    const authorityHost = (inputs.auth?.authorityHost ?? "login.microsoftonline.com").trim();
    const entra = tenantId ? { tenantId, authorityHost } : undefined;
    const [jwks, issuers] = await Promise.all([
      checkJwks(auth.jwksUri, ctx.signal),
      checkIssuers({ issuers: auth.issuers, jwksUri: auth.jwksUri, ...(entra ? { entra } : {}) }, ctx.signal),
    ]);
    rows.push(jwks, issuers);
    if (entra) {
      const { checkEntraVersion } = await import("../preflight/entra-version-check.ts");
      const token = await tokenToCheck(inputs, ctx, tools, rows, hooks);
      rows.push(
        checkEntraVersion({
          ...entra,
          issuers: auth.issuers,
          audiences: auth.audiences,
          ...(token ? { token } : {}),
        }),
      );
    }
  }
  for (const line of rowLines(rows)) ctx.logger.info(line);
  for (const row of rows) {
    if (row.status !== "ok" && !row.blocks) ctx.logger.warning(`preflight: ${row.check}: ${row.detail}`);
  }
  return { rows, blocked: blockingRows(rows).length > 0 };
}

async function ociRows(inputs: PreflightInputs, profile: OciProfile, ctx: StepContext): Promise<CheckRow[]> {
  const [{ preflightClients }, { checkCredentials }] = await Promise.all([
    import("../preflight/oci/preflight-clients.ts"),
    import("../preflight/oci/credentials-check.ts"),
  ]);
  const clients = preflightClients({ ...profile, ...ociCallOptions(ctx) });
  try {
    const credentials = await checkCredentials(clients.objectStorage);
    // Unsigned, every other call would fail the same way: one row says why.
    if (!credentials.signs) return [credentials.row];
    const rows = [credentials.row];
    const [compartment, application, fn, repository, gateway, policy] = await Promise.all([
      import("../preflight/oci/compartment-check.ts"),
      import("../preflight/oci/application-check.ts"),
      import("../preflight/oci/function-check.ts"),
      import("../preflight/oci/repository-check.ts"),
      import("../preflight/oci/gateway-check.ts"),
      import("../preflight/oci/gateway-policy-check.ts"),
    ]);
    if (inputs.compartmentOcid) {
      rows.push(
        (await compartment.checkCompartment(clients.identity, inputs.compartmentOcid, clients.tenancyId)).row,
      );
    }
    let functionsCompartment: string | undefined;
    if (inputs.application) {
      const found = await application.checkApplication(
        clients.functions,
        inputs.application,
        inputs.compartmentOcid,
      );
      rows.push(found.row);
      functionsCompartment = found.found?.compartmentId;
    } else if (inputs.functionId) {
      const found = await fn.checkFunction(clients.functions, inputs.functionId);
      rows.push(found.row);
      functionsCompartment = found.compartmentId;
    }
    if (inputs.repository) {
      const where = inputs.compartmentOcid ?? functionsCompartment;
      rows.push(
        await repository.checkRepository(clients.artifacts, clients.tenancyId, inputs.repository, where),
      );
    }
    if (inputs.gatewayOcid) {
      const found = await gateway.checkGateway(clients.gateways, inputs.gatewayOcid);
      rows.push(found.row);
      if (found.found && functionsCompartment) {
        rows.push(
          await policy.checkGatewayPolicy(
            clients.identity,
            clients.tenancyId,
            found.found,
            functionsCompartment,
          ),
        );
      } else if (inputs.application || inputs.functionId) {
        const unknown = found.found ? "the functions' compartment" : "the gateway";
        rows.push(
          cannotTell(policy.GATEWAY_POLICY, `not checked: ${unknown} could not be found (see above)`),
        );
      }
    }
    return rows;
  } finally {
    clients.close();
  }
}

/** The token to judge: one given, or the one the entra-token stage would get, requested now. */
async function tokenToCheck(
  inputs: PreflightInputs,
  ctx: StepContext,
  tools: Partial<EntraTokenTools>,
  rows: CheckRow[],
  hooks: PreflightHooks,
): Promise<TokenClaims | undefined> {
  try {
    if (inputs.token) return readTokenClaims(inputs.token);
    if (!inputs.entra) return undefined;
    const { entraToken } = await import("./entra-token.ts");
    const githubIdToken =
      tools.githubIdToken ?? (() => Promise.reject(new Error("no GitHub OIDC token source")));
    // Expectations are judged by the version check below, which names the fix, rather than thrown.
    const token = await entraToken(
      { ...inputs.entra, expected: {} },
      ctx,
      { githubIdToken },
      hooks.onEntraToken ? { onIssued: hooks.onEntraToken } : {},
    );
    return token.claims;
  } catch (error) {
    rows.push(
      missing(
        "Entra access token",
        `the entra-token stage would fail: ${describeError(error)}`,
        isUserError(error)
          ? "see the message: it names the input to fix"
          : "re-run with debug logging for details",
        true,
      ),
    );
    return undefined;
  }
}
