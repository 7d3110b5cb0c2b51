import { ociCallOptions } from "../oci/call-options.ts";
import {
  deleteLabelledFunction,
  findLabelledFunctions,
  waitForFunctionDeleted,
} from "../oci/functions/labelled-functions.ts";
import { gatewayClients } from "../oci/gateway/gateway-clients.ts";
import {
  type DeploymentRef,
  deleteLabelledDeployment,
  listDeployments,
  removeRoutesTo,
  waitForWorkRequestDone,
} from "../oci/gateway/labelled-deployments.ts";
import { functionsClients } from "../oci/oci-clients.ts";
import { RUN_LABEL_KEY } from "../run-label.ts";
import type { StepContext } from "../step-context.ts";
import {
  DELETION_WAIT_MS,
  type DeletedResource,
  type OciTeardownInputs,
  type TeardownResult,
} from "./teardown-types.ts";

/**
 * OCI: the API deployments first (a deployment this run created is deleted; from one it did not, only
 * the routes to functions this run created are removed), then the functions. Every change is followed
 * through its work request or lifecycle state before the next.
 */
export async function teardownOci(inputs: OciTeardownInputs, ctx: StepContext): Promise<TeardownResult> {
  const functions = functionsClients({ ...inputs.ociProfile, ...ociCallOptions(ctx) });
  const gateway = gatewayClients({ ...inputs.ociProfile, ...ociCallOptions(ctx) });
  const wait = { deadlineMs: DELETION_WAIT_MS, signal: ctx.signal, progress: ctx.logger };
  const deleted: DeletedResource[] = [];
  const leftAlone: string[] = [];
  const label = `${RUN_LABEL_KEY}=${inputs.runLabel}`;
  try {
    const scope = { compartmentId: inputs.compartmentId, application: inputs.application };
    const labelledFunctions = await findLabelledFunctions(functions.management, scope, inputs.runLabel);
    const functionIds = new Set(labelledFunctions.map((fn) => fn.id));
    const deployments = await listDeployments(
      gateway.deployments,
      { compartmentId: inputs.compartmentId, gatewayId: inputs.gatewayId },
      inputs.runLabel,
    );

    for (const deployment of deployments.filter((d) => d.labelled)) {
      ctx.logger.info(`Deleting deployment ${deployment.displayName} (${deployment.id}).`);
      const workRequest = await deleteLabelledDeployment(gateway.deployments, deployment, inputs.runLabel);
      if (workRequest === undefined) continue;
      await waitForWorkRequestDone(
        gateway.workRequests,
        workRequest,
        `deleting deployment ${deployment.displayName}`,
        wait,
      );
      deleted.push({ kind: "deployment", name: deployment.displayName, id: deployment.id });
      ctx.logger.info(`Deleted deployment ${deployment.displayName}.`);
    }
    if (functionIds.size > 0) {
      const others = deployments.filter((d) => !d.labelled && d.lifecycleState === "ACTIVE");
      for (const deployment of others) {
        await removeRoutes(deployment, functionIds);
      }
    }

    const started = [];
    for (const fn of labelledFunctions) {
      ctx.logger.info(`Deleting function ${fn.displayName} (${fn.id}) of application ${fn.application}.`);
      if (await deleteLabelledFunction(functions.management, fn, inputs.runLabel)) started.push(fn);
    }
    // Deleting functions is independent work: wait for them together.
    await Promise.all(started.map((fn) => waitForFunctionDeleted(functions.management, fn, wait)));
    for (const fn of started) {
      deleted.push({ kind: "function", name: fn.displayName, id: fn.id });
      ctx.logger.info(`Deleted function ${fn.displayName}.`);
    }
    return { cloud: "oci", runLabel: inputs.runLabel, deleted, leftAlone };
  } finally {
    functions.close();
    gateway.close();
  }

  async function removeRoutes(deployment: DeploymentRef, functionIds: ReadonlySet<string>): Promise<void> {
    const result = await removeRoutesTo(gateway.deployments, deployment, functionIds);
    for (const route of result.mixed) {
      note(
        `deployment ${deployment.displayName} keeps route ${route}: it also sends traffic to backends this run did not create; edit it yourself.`,
      );
    }
    if (result.wouldBeEmpty) {
      note(
        `deployment ${deployment.displayName} routes only to functions this run created (${result.removed.join("; ")}) but does not carry ${label}: it is left as it is; delete it yourself if nothing needs it.`,
      );
      return;
    }
    if (result.workRequestId === undefined) return;
    await waitForWorkRequestDone(
      gateway.workRequests,
      result.workRequestId,
      `removing routes from deployment ${deployment.displayName}`,
      wait,
    );
    for (const route of result.removed) {
      deleted.push({ kind: "route", name: route, id: deployment.id });
      ctx.logger.info(
        `Removed route ${route} from deployment ${deployment.displayName}: it led to a function this run created.`,
      );
    }
  }

  function note(message: string): void {
    leftAlone.push(message);
    ctx.logger.warning(message);
  }
}
