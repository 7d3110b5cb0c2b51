import { describeError } from "../errors.ts";
import { deleteServiceAndWait } from "../gcp/labelled-services.ts";
import { explainRunFailure } from "../gcp/run-api-failure.ts";
import type { StepContext } from "../step-context.ts";
import type { CloudRunDeployInputs, CloudRunDeployTools } from "./cloud-run-deploy.ts";
import { serviceCall } from "./cloud-run-service-call.ts";

// A deletion has to start a revision's teardown and drop its URL; the step's deadline bounds it too.
const DELETION_WAIT_MS = 10 * 60_000;

/** What became of a new service whose first revision failed its smoke test. */
export type FirstRevisionRemoval =
  | { deleted: true }
  | { deleted: false; reason: string; deleteCommand: string };

/**
 * A service this run created has no earlier revision to keep the traffic on: its first revision served
 * on the service's URL as soon as it was ready. When that revision fails its smoke test, the service is
 * deleted (and the operation followed), as the OCI pipeline deletes what a failed first deploy created,
 * so nothing serves code that failed; the next run creates it afresh. A deletion that fails is reported,
 * not thrown: the step's error line then says what is still live.
 */
export async function deleteFailedService(
  inputs: CloudRunDeployInputs,
  ctx: StepContext,
  tools: CloudRunDeployTools,
): Promise<FirstRevisionRemoval> {
  const { serviceId, name, client, call } = serviceCall(inputs, ctx, tools);
  const deleteCommand = `gcloud run services delete ${serviceId} --region ${call.region} --project ${call.project}`;
  try {
    ctx.logger.info(`Deleting service ${name}: this run created it and its first revision failed.`);
    // By name, without an etag: the traffic move a candidate gets elsewhere changes nothing here, and
    // a service this run created minutes ago is this run's to remove.
    await deleteServiceAndWait(
      client,
      { name },
      {
        waitMs: DELETION_WAIT_MS,
        signal: ctx.signal,
        progress: ctx.logger,
        retry: `delete it yourself (${deleteCommand})`,
      },
    );
    ctx.logger.info(`Deleted service ${serviceId}.`);
    return { deleted: true };
  } catch (error) {
    const explained = explainRunFailure(error, { ...call, action: `delete service ${serviceId}` });
    return { deleted: false, reason: describeError(explained).replace(/\.$/, ""), deleteCommand };
  } finally {
    await client.close().catch(() => undefined);
  }
}
