import { basename, dirname } from "node:path";
import * as core from "@actions/core";
import { DEADLINE_INPUT, parseDeadlineMinutes, type StepDeadline, startDeadline } from "../deadline.ts";
import { describeError, isUserError } from "../errors.ts";
import { exitWhenFlushed } from "../exit-when-flushed.ts";
import { applyRunnerProxy, describeProxyFailure, proxyFailure } from "../http/runner-proxy.ts";
import { checkActionInputs } from "./inputs.ts";
import { proxySettings } from "./step-context.ts";
import { setStepDeadline } from "./step-deadline.ts";

let current: StepDeadline | undefined;

/** How clients word a call that never got an answer (the OCI SDK keeps only "fetch failed"). */
const NETWORK_FAILURE = /fetch failed|could not reach|ECONN|socket|network/i;

/**
 * Runs an action's main entry: a UserError becomes one ::error:: line and exit 1, with no stack trace
 * unless debug logging is on; anything else is reported as a bug, with its trace in debug mode.
 * The `deadline-minutes` input bounds the whole step: when it is reached the step fails with one line
 * naming what was in progress, and the post step (a separate process) still cleans up.
 */
export async function runMain(main: () => Promise<void>): Promise<void> {
  quietSdkChatter();
  try {
    checkActionInputs(actionName(), process.env);
    const proxyWarning = applyRunnerProxy(proxySettings(process.env));
    if (proxyWarning) core.warning(proxyWarning);
    current = setStepDeadline(
      startDeadline(parseDeadlineMinutes(core.getInput(DEADLINE_INPUT)), `running ${actionName()}`),
    );
    await current.race(main());
  } catch (error) {
    const refusal = proxyFailure();
    if (current?.signal.aborted) {
      core.setFailed(current.message(error));
    } else if (
      refusal &&
      (refusal.permanent || !isUserError(error) || NETWORK_FAILURE.test(describeError(error)))
    ) {
      // Clients report a refused tunnel as a bare network error; the proxy is what the user must fix.
      core.setFailed(`${describeError(error).replace(/\.$/, "")}: ${describeProxyFailure(refusal)}`);
    } else if (isUserError(error)) {
      core.setFailed(error.message);
    } else {
      core.setFailed(`${describeError(error)} (unexpected error: re-run with debug logging for details)`);
    }
    if (core.isDebug() && error instanceof Error && error.stack) core.debug(error.stack);
  }
  await finish();
}

/** Runs a post entry: cleanup must never fail the job, so a failure becomes a warning. */
export async function runPost(post: () => Promise<void>): Promise<void> {
  quietSdkChatter();
  try {
    const proxyWarning = applyRunnerProxy(proxySettings(process.env));
    if (proxyWarning) core.warning(proxyWarning);
    // A bad value already failed the main step; cleanup then runs under the default deadline.
    let minutes: number;
    try {
      minutes = parseDeadlineMinutes(core.getInput(DEADLINE_INPUT));
    } catch {
      minutes = parseDeadlineMinutes(undefined);
    }
    current = setStepDeadline(startDeadline(minutes, `cleaning up after ${actionName()}`));
    await current.race(post());
  } catch (error) {
    const why = current?.signal.aborted ? current.message(error) : describeError(error);
    core.warning(`cleanup failed: ${why}`);
    if (core.isDebug() && error instanceof Error && error.stack) core.debug(error.stack);
  }
  await finish();
}

/** The action's folder under dist/ names it in messages ("fn-deploy"; "pipeline" for the root action). */
function actionName(): string {
  const entry = process.argv[1];
  return entry ? basename(dirname(entry)) : "the step";
}

/** The step is over: end the process with its exit code once its log (the ::error:: line last) is out. */
async function finish(): Promise<void> {
  await exitWhenFlushed(Number(process.exitCode ?? 0));
}

/**
 * The OCI SDK prints its retry decisions with console.warn ("Request cannot be retried...") and
 * triggers Node deprecation warnings; in a workflow log they read like failures. They go to the debug
 * log instead, where they still help when someone turns debug logging on.
 */
function quietSdkChatter(): void {
  process.noDeprecation = true;
  const toDebug = (...args: unknown[]) => core.debug(args.map(String).join(" "));
  console.warn = toDebug;
  console.info = toDebug;
  console.log = toDebug;
}
