import { checkAuthorityHost, checkScope, checkTenantId } from "../entra/token-request-checks.ts";
import { UserError } from "../errors.ts";
import type { FcPipelineInputs } from "../steps/fc-pipeline.ts";
import { readEntraTokenInputs } from "./entra-token.ts";
import { readFcDeployInputs } from "./fc-deploy.ts";
import { checkEntraClaims } from "./fc-trigger-claims.ts";
import type { InputHost } from "./input-host.ts";
import { type InputReader, nothingMoreToRead } from "./reader.ts";
import { renamedReader } from "./renamed-reader.ts";
import { readSmokeTestSettings } from "./smoke-test.ts";

// The pipeline's own deadline-minutes covers every stage together; fc-deploy's test invoke is the smoke
// test's job here, and the trigger's auth is jwt: the smoke test proves the Entra token gets in and
// nothing else does. The token it must refuse is the pipeline's own: Entra's token for another resource.
const DEPLOY_RENAMES = { invoke: null, "http-trigger-auth": null, "deadline-minutes": null };
const ENTRA_RENAMES = { "deadline-minutes": null };
const SMOKE_RENAMES = { token: null, "refused-token": null, "deadline-minutes": null };
/** The resource whose token the API must refuse: one every tenant's client may get a token for. */
export const DEFAULT_REFUSED_SCOPE = "https://management.azure.com/.default";

/**
 * The Function Compute pipeline's inputs: fc-deploy's, entra-token's and smoke-test's by their own
 * names. The HTTP trigger is named http unless http-trigger says otherwise, and without
 * http-trigger-jwks(-url) it trusts the Entra tenant's signing keys, read from
 * https://<authority-host>/<tenant-id>/discovery/v2.0/keys at deploy time.
 */
export function readFcPipelineInputs(read: InputReader, host: InputHost): FcPipelineInputs {
  const entra = readEntraTokenInputs(renamedReader(read, ENTRA_RENAMES));
  // Checked here (entra-token checks them again) because the trigger's default JWKS URL is made of them.
  const tenant = read.field("tenant-id", () => checkTenantId(entra.tenantId));
  const authorityHost = read.field("authority-host", () => checkAuthorityHost(entra.authorityHost));
  const deployReader = withTriggerDefaults(renamedReader(read, DEPLOY_RENAMES), tenant, authorityHost);
  const deploy = readFcDeployInputs(deployReader, host);
  const httpTrigger = deploy?.httpTrigger;
  // Under readEveryInput a refused input leaves a stand-in: nothing more can be read from it.
  if (!httpTrigger) return nothingMoreToRead();
  // Whatever its keys, this trigger lets Entra's tokens in (the smoke test proves it): any tenant's.
  checkEntraClaims(read, httpTrigger.functionChecksClaims);
  const refusedScope = read.field("refused-scope", () =>
    checkScope(read.optional("refused-scope") ?? DEFAULT_REFUSED_SCOPE),
  );
  read.field(["refused-scope", "scope"], () => {
    if (refusedScope === entra.scope)
      throw new UserError(
        `refused-scope must name another resource than scope (${entra.scope}): its token is the one the API must refuse, such as ${DEFAULT_REFUSED_SCOPE}.`,
      );
  });
  const smoke = readSmokeTestSettings(renamedReader(read, SMOKE_RENAMES), {
    jwksGiven: httpTrigger.jwksUrl !== undefined,
  });
  return { deploy: { ...deploy, httpTrigger }, entra, smoke, refusedScope };
}

/**
 * The trigger's name (http) and keys (the tenant's) when not given. A refused tenant-id or
 * authority-host leaves them unset under readEveryInput; the stand-in URL then only keeps the
 * trigger's inputs from drawing a follow-on error (the parse result is discarded).
 */
function withTriggerDefaults(
  read: InputReader,
  tenant: string | undefined,
  authorityHost: string | undefined,
): InputReader {
  const keysOf = (host = "login.microsoftonline.com", tenantId = "organizations") =>
    `https://${host}/${encodeURIComponent(tenantId)}/discovery/v2.0/keys`;
  const defaults: Record<string, () => string | undefined> = {
    "http-trigger": () => "http",
    "http-trigger-jwks-url": () =>
      read.optional("http-trigger-jwks") === undefined ? keysOf(authorityHost, tenant) : undefined,
  };
  return {
    ...read,
    optional: (name, envFallback) => read.optional(name, envFallback) ?? defaults[name]?.(),
  };
}
