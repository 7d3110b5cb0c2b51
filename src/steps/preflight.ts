import { readTokenClaims, type TokenClaims } from "../entra/token-claims.ts";
import { describeError, isUserError } from "../errors.ts";
import { type AuthInputs, type DesiredAuth, readAuth } from "../oci/gateway/gateway-auth-input.ts";
import type { OciProfile } from "../oci/oci-clients.ts";
import { type CheckRow, missing } from "../preflight/check-row.ts";
import type { FcPreflightInputs } from "../preflight/fc/fc-preflight-inputs.ts";
import type { GcpPreflightInputs } from "../preflight/gcp/gcp-preflight.ts";
import { blockingRows, rowLines } from "../preflight/report.ts";
import type { StepContext } from "../step-context.ts";
import type { EntraTokenInputs, EntraTokenTools } from "./entra-token.ts";
import type { IssuedToken } from "./entra-token-handover.ts";
import { ociRows } from "./preflight-oci.ts";

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
  // Each cloud's checks and the token's at once; the rows keep this order.
  const { ociProfile, gcp, fc } = inputs;
  const groups = await Promise.all([
    ociProfile ? ociRows(inputs, ociProfile, ctx) : [],
    gcp ? gcpRows(gcp, ctx, tools) : [],
    fc ? import("../preflight/fc/fc-rows.ts").then(({ fcRows }) => fcRows(fc, ctx)) : [],
    auth ? authRows(inputs, auth, ctx, tools, hooks) : [],
  ]);
  const rows = groups.flat();
  for (const line of rowLines(rows)) ctx.logger.info(line);
  for (const row of rows) {
    if (row.status !== "ok" && !row.blocks) ctx.logger.warning(`preflight: ${row.check}: ${row.detail}`);
  }
  return { rows, blocked: blockingRows(rows).length > 0 };
}

async function gcpRows(
  gcp: GcpPreflightInputs,
  ctx: StepContext,
  tools: Partial<EntraTokenTools>,
): Promise<CheckRow[]> {
  const { gcpPreflightRows } = await import("../preflight/gcp/gcp-preflight.ts");
  const githubIdToken =
    tools.githubIdToken ?? (() => Promise.reject(new Error("no GitHub OIDC token source")));
  return gcpPreflightRows(gcp, ctx, { githubIdToken });
}

/** The remote JWKS, the issuers, and with an Entra tenant, the version of the token it issues. */
async function authRows(
  inputs: PreflightInputs,
  auth: DesiredAuth,
  ctx: StepContext,
  tools: Partial<EntraTokenTools>,
  hooks: PreflightHooks,
): Promise<CheckRow[]> {
  const [{ checkJwks }, { checkIssuers }] = await Promise.all([
    import("../preflight/jwks-check.ts"),
    import("../preflight/issuer-check.ts"),
  ]);
  const tenantId = inputs.auth?.entraTenantId?.trim();
  const authorityHost = (inputs.auth?.authorityHost ?? "login.microsoftonline.com").trim();
  const entra = tenantId ? { tenantId, authorityHost } : undefined;
  const rows: CheckRow[] = [];
  // The token is requested alongside the JWKS and issuer checks; its rows come after theirs.
  const [jwks, issuers, token] = await Promise.all([
    checkJwks(auth.jwksUri, ctx.signal),
    checkIssuers({ issuers: auth.issuers, jwksUri: auth.jwksUri, ...(entra ? { entra } : {}) }, ctx.signal),
    entra ? tokenToCheck(inputs, ctx, tools, rows, hooks) : undefined,
  ]);
  if (!entra) return [jwks, issuers];
  const { checkEntraVersion } = await import("../preflight/entra-version-check.ts");
  return [
    jwks,
    issuers,
    ...rows,
    checkEntraVersion({
      ...entra,
      issuers: auth.issuers,
      audiences: auth.audiences,
      ...(token ? { token } : {}),
    }),
  ];
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
