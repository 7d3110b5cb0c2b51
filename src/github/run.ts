import { basename, dirname } from "node:path";
import * as core from "@actions/core";
import { DEADLINE_INPUT, deadlineMinutesOrNoted, type StepDeadline, startDeadline } from "../deadline.ts";
import { describeError, isUserError } from "../errors.ts";
import { exitWhenFlushed } from "../exit-when-flushed.ts";
import { proxySettings } from "../http/proxy-settings.ts";
import { applyRunnerProxy, describeProxyFailure, type RunnerProxy } from "../http/runner-proxy.ts";
import type { InputHost } from "../inputs/input-host.ts";
import type { InputReader } from "../inputs/reader.ts";
import { maskDeclaredSecrets } from "../inputs/secret-inputs.ts";
import { routeSdkChatter } from "../sdk-chatter.ts";
import type { StepContext } from "../step-context.ts";
import type { ToolSources } from "../tools/step-tools.ts";
import { actionInputHost, actionToolSources } from "./action-host.ts";
import { actionInputReader, checkActionInputs } from "./action-reader.ts";
import { actionStepContext, maskSecret } from "./step-context.ts";

/** What an action's main entry gets: its inputs, what the runner tells, and the step's deadline. */
export interface ActionRun {
  read: InputReader;
  host: InputHost;
  tools: ToolSources;
  env: NodeJS.ProcessEnv;
  deadline: StepDeadline;
  /** Built on first use: it checks the FNGATE_*_ENDPOINT overrides, after the inputs are read. */
  ctx(): StepContext;
  /** Sets each output, in order. */
  setOutputs(outputs: Record<string, string>): void;
}

/** What a post entry gets: the step context built on first use (nothing to undo needs none). */
export interface PostRun {
  tools: ToolSources;
  env: NodeJS.ProcessEnv;
  ctx(): StepContext;
}

/** How clients word a call that never got an answer (the OCI SDK keeps only "fetch failed"). */
const NETWORK_FAILURE = /fetch failed|could not reach|ECONN|socket|network/i;

/**
 * Runs an action's main entry: a UserError becomes one ::error:: line and exit 1, with no stack trace
 * unless debug logging is on; anything else is reported as a bug, with its trace in debug mode.
 * The `deadline-minutes` input bounds the whole step: when it is reached the step fails with one line
 * naming what was in progress, and the post step (a separate process) still cleans up.
 */
export async function runMain(main: (run: ActionRun) => Promise<void>): Promise<void> {
  const env = process.env;
  routeSdkChatter(core.debug, ["warn", "info", "log"]);
  let deadline: StepDeadline | undefined;
  let proxy: RunnerProxy | undefined;
  try {
    checkActionInputs(actionName(), env);
    const read = actionInputReader(env, maskSecret);
    // Every input declared secret is masked before anything else reads or prints it.
    maskDeclaredSecrets(actionName(), read);
    const applied = applyRunnerProxy(proxySettings(env));
    proxy = applied;
    if (applied.warning) core.warning(applied.warning);
    // A refused deadline-minutes is named with the other inputs' problems when the main parses them.
    const { minutes, noted } = deadlineMinutesOrNoted(core.getInput(DEADLINE_INPUT));
    const running = startDeadline(minutes, `running ${actionName()}`);
    deadline = running;
    const ctx = once(() => actionStepContext(env, running.signal, applied));
    const run: ActionRun = {
      read: noted.length > 0 ? { ...read, noted } : read,
      host: actionInputHost(env),
      tools: actionToolSources(env),
      env,
      deadline: running,
      ctx,
      setOutputs: (outputs) => {
        for (const [name, value] of Object.entries(outputs)) core.setOutput(name, value);
      },
    };
    await running.race(main(run));
  } catch (error) {
    const refusal = proxy?.failure();
    if (deadline?.signal.aborted) {
      core.setFailed(deadline.message(error));
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
export async function runPost(post: (run: PostRun) => Promise<void>): Promise<void> {
  const env = process.env;
  routeSdkChatter(core.debug, ["warn", "info", "log"]);
  let deadline: StepDeadline | undefined;
  try {
    const proxy = applyRunnerProxy(proxySettings(env));
    if (proxy.warning) core.warning(proxy.warning);
    // A bad value already failed the main step; cleanup then runs under the default deadline.
    const { minutes } = deadlineMinutesOrNoted(core.getInput(DEADLINE_INPUT));
    const cleaning = startDeadline(minutes, `cleaning up after ${actionName()}`);
    deadline = cleaning;
    const ctx = once(() => actionStepContext(env, cleaning.signal, proxy));
    await cleaning.race(post({ tools: actionToolSources(env), env, ctx }));
  } catch (error) {
    const why = deadline?.signal.aborted ? deadline.message(error) : describeError(error);
    core.warning(`cleanup failed: ${why}`);
    if (core.isDebug() && error instanceof Error && error.stack) core.debug(error.stack);
  }
  await finish();
}

function once<T>(make: () => T): () => T {
  let made: { value: T } | undefined;
  return () => {
    made ??= { value: make() };
    return made.value;
  };
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
