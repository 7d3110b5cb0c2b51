import { describeError } from "../errors.ts";
import { ociCallOptions } from "../oci/call-options.ts";
import type { FunctionSettings } from "../oci/functions/function-changes.ts";
import type { Json } from "../oci/gateway/gateway-spec.ts";
import type { OciProfile } from "../oci/oci-clients.ts";
import { pinnedReference } from "../oci/registry/image-reference.ts";
import type { OciWait } from "../oci/wait-backoff.ts";
import type { StepContext } from "../step-context.ts";
import type { FnDeployResult } from "./fn-deploy.ts";
import type { GatewayDeployResult } from "./gateway-deploy.ts";
import { failureSummary, type SmokeTestResult } from "./smoke-test.ts";

/**
 * How a deploy goes live (input `rollout`). OCI has no versions or traffic split, so
 * verify-then-promote deploys, smoke-tests, and keeps the result only when it passes; otherwise it
 * puts back what ran before and smoke-tests that again. direct leaves whatever was deployed live.
 */
export const ROLLOUTS = ["verify-then-promote", "direct"] as const;
export type Rollout = (typeof ROLLOUTS)[number];

/** What the rollback did, for the step's one-line error and the `rolled-back` output. */
export interface Rollback {
  /** True only when everything this run changed was put back (or removed) and, where it can be, re-checked. */
  rolledBack: boolean;
  /** Appended to the smoke test's verdict: what was rolled back and whether the re-check passed. */
  summary: string;
}

const ROLLBACK_WAIT_MS = 600_000;

/** One undo, and what is live when it fails. */
interface Undo {
  /** What the undo did, as the error line names it ("function f image A -> B"). */
  done: string;
  /** What is live when it failed. */
  liveIfFailed: string;
  run(): Promise<void>;
}

/**
 * After a failed smoke test under verify-then-promote: puts back the function's previous image (by
 * digest) and settings and the deployment's previous specification (if-match with the etag read just
 * before), waits for both, then smoke-tests again (`recheck`) to prove the previous API answers. What
 * this run created is removed instead: the deployment first, so no route points at the function, then
 * the function (a failed first deploy leaves nothing behind, and the next run creates it afresh).
 */
export async function rollBack(
  run: { deployed?: FnDeployResult; gateway?: GatewayDeployResult },
  ctx: StepContext,
  profile: OciProfile,
  recheck: () => Promise<SmokeTestResult>,
): Promise<Rollback> {
  const wait: OciWait = { deadlineMs: ROLLBACK_WAIT_MS, signal: ctx.signal, progress: ctx.logger };
  const fn = run.deployed && run.deployed.action !== "unchanged" ? run.deployed : undefined;
  const gw = run.gateway?.changed ? run.gateway : undefined;
  if (!fn && !gw) {
    return { rolledBack: false, summary: "This run changed nothing, so there was nothing to roll back." };
  }
  const [{ functionsClients }, { gatewayClients }, fnRestore, gwRestore] = await Promise.all([
    import("../oci/oci-clients.ts"),
    import("../oci/gateway/gateway-clients.ts"),
    import("../oci/functions/function-restore.ts"),
    import("../oci/gateway/deployment-restore.ts"),
  ]);
  const options = { ...profile, ...ociCallOptions(ctx) };
  const functions = functionsClients(options);
  const gateway = gatewayClients(options);
  try {
    const gatewayUndo =
      gw &&
      deploymentUndo(gw, {
        restore: (specification) =>
          gwRestore.restoreSpecification(gateway, gw.deploymentId, specification, wait),
        remove: () => gwRestore.deleteDeployment(gateway, gw.deploymentId, wait),
      });
    const functionUndo =
      fn &&
      functionUndoOf(fn, {
        restore: (settings) => fnRestore.restoreFunction(functions.management, fn.functionId, settings, wait),
        remove: () =>
          fnRestore.deleteFunction(
            functions.management,
            { id: fn.functionId, displayName: fn.functionName },
            wait,
          ),
      });
    const failed: string[] = [];
    const undone: string[] = [];
    const attempt = async (undo: Undo | undefined) => {
      if (!undo) return;
      ctx.logger.info(`Rolling back: ${undo.done}.`);
      try {
        await undo.run();
        undone.push(undo.done);
      } catch (error) {
        failed.push(
          `${undo.done}: ${describeError(error).replace(/\.$/, "")}; live now: ${undo.liveIfFailed}`,
        );
      }
    };
    // A function this run created goes only once no route points at it any more.
    if (fn?.action === "created") {
      await attempt(gatewayUndo);
      await attempt(functionUndo);
    } else {
      await Promise.all([attempt(gatewayUndo), attempt(functionUndo)]);
    }
    const done = [gatewayUndo, functionUndo].filter((undo): undo is Undo => undo !== undefined);
    if (failed.length > 0) {
      const partly = undone.length > 0 ? ` (rolled back: ${undone.join(", ")})` : "";
      return {
        rolledBack: false,
        summary: `Rollback FAILED${partly}: ${failed.join("; ")}. Deploy the previous version again (or restore it in the OCI console) before callers rely on the API.`,
      };
    }
    const listed = done.map((undo) => undo.done).join(", ");
    if (gw?.action === "created") {
      // Nothing answered at this deployment before: there is no earlier API to re-check.
      return {
        rolledBack: true,
        summary: `Removed what this run added: ${listed}; nothing of it is reachable.`,
      };
    }
    ctx.logger.info("Rolled back; smoke-testing the previous version again.");
    const again = await recheck();
    return again.passed
      ? {
          rolledBack: true,
          summary: `Rolled back ${listed}; the re-check passed: the previous API answers again.`,
        }
      : {
          rolledBack: true,
          summary: `Rolled back ${listed}; the re-check FAILED too, so the previous version does not pass either (${failureSummary(again).replace(/\.$/, "")}).`,
        };
  } finally {
    functions.close();
    gateway.close();
  }
}

/** The deployment's undo: its previous specification back, or (created by this run) deleted. */
function deploymentUndo(
  gw: GatewayDeployResult,
  does: { restore(specification: Json): Promise<void>; remove(): Promise<void> },
): Undo {
  const name = `deployment ${gw.deploymentName}`;
  if (gw.action === "created") {
    return {
      done: `${name} deleted (this run created it)`,
      liveIfFailed: `${name} (this run's) still serves ${gw.url}`,
      run: () => does.remove(),
    };
  }
  const { previous } = gw;
  return {
    done: `${name} spec`,
    liveIfFailed: `${name} serves this run's specification`,
    run: () => (previous ? does.restore(previous.specification) : unknownPrevious(name, "specification")),
  };
}

/** The function's undo: its previous image and settings back, or (created by this run) deleted. */
function functionUndoOf(
  fn: FnDeployResult,
  does: { restore(settings: Partial<FunctionSettings>): Promise<void>; remove(): Promise<void> },
): Undo {
  const name = `function ${fn.functionName}`;
  const now = pinnedReference(fn.image, fn.digest);
  const liveIfFailed = `${name} runs ${now}`;
  if (fn.action === "created") {
    return { done: `${name} deleted (this run created it)`, liveIfFailed, run: () => does.remove() };
  }
  const { previous } = fn;
  if (!previous) {
    return { done: `${name} image`, liveIfFailed, run: () => unknownPrevious(name, "image digest") };
  }
  const done =
    previous.image === now
      ? `${name} ${fn.changedSettings.join(", ")}`
      : `${name} image ${now} -> ${previous.image}`;
  return { done, liveIfFailed, run: () => does.restore(previous.settings) };
}

/** An update whose earlier state OCI did not show (no image digest): nothing to put back. */
function unknownPrevious(name: string, what: string): Promise<never> {
  return Promise.reject(new Error(`OCI showed no previous ${what} of ${name} before this run changed it`));
}
