import { chooseGcpCredential, type GithubTokenSource } from "../gcp/credential-choice.ts";
import { accessTokenClient, checkAccessToken, principalOf } from "../gcp/credentials.ts";
import { checkProject, checkRegion } from "../gcp/deploy-checks.ts";
import { googleEndpoints } from "../gcp/google-endpoints.ts";
import { deleteServiceAndWait, findLabelledServices } from "../gcp/labelled-services.ts";
import { explainRunFailure } from "../gcp/run-api-failure.ts";
import { runServicesClient } from "../gcp/run-client.ts";
import type { StepContext } from "../step-context.ts";
import {
  type CloudRunTeardownInputs,
  DELETION_WAIT_MS,
  type DeletedResource,
  type TeardownResult,
} from "./teardown-types.ts";

/** Cloud Run: the region's services carrying the run label, each deleted and its operation followed. */
export async function teardownCloudRun(
  inputs: CloudRunTeardownInputs,
  ctx: StepContext,
  tools: GithubTokenSource,
): Promise<TeardownResult> {
  const project = checkProject(inputs.project.trim());
  const region = checkRegion(inputs.region.trim());
  const credential = chooseGcpCredential(inputs, ctx, tools);
  const endpoints = googleEndpoints(ctx.endpoints.gcp);
  const auth = accessTokenClient(credential, endpoints, (token) => ctx.secrets.register(token));
  await checkAccessToken(auth);
  const client = runServicesClient(auth, endpoints);
  const call = { project, region, principal: principalOf(credential) };
  const parent = `projects/${project}/locations/${region}`;
  const deleted: DeletedResource[] = [];
  try {
    const services = await findLabelledServices(client, parent, inputs.runLabel, ctx.signal).catch(
      (error: unknown) => {
        throw explainRunFailure(error, { ...call, action: "list services" });
      },
    );
    for (const service of services) {
      const name = service.name ?? "";
      const id = name.split("/").pop() ?? name;
      ctx.logger.info(`Deleting service ${name}.`);
      const gone = await deleteServiceAndWait(client, service, {
        waitMs: DELETION_WAIT_MS,
        signal: ctx.signal,
        progress: ctx.logger,
      }).catch((error: unknown) => {
        throw explainRunFailure(error, { ...call, action: `delete service ${id}` });
      });
      if (!gone) continue;
      deleted.push({ kind: "service", name: id, id: name });
      ctx.logger.info(`Deleted service ${id}.`);
    }
    return { cloud: "cloud-run", runLabel: inputs.runLabel, deleted, leftAlone: [] };
  } finally {
    await client.close().catch(() => undefined);
  }
}
