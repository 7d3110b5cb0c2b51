#!/usr/bin/env node
// `fngate <command>`: the actions' steps from any CI or a laptop. Wiring only: parse the command line,
// build the StepContext, run the command under its deadline, report and exit (see help.ts for codes).
import { readFileSync } from "node:fs";
import { deadlineMinutesOrNoted, startDeadline } from "../deadline.ts";
import { describeError, isUserError } from "../errors.ts";
import { exitWhenFlushed } from "../exit-when-flushed.ts";
import { proxySettings } from "../http/proxy-settings.ts";
import { applyRunnerProxy } from "../http/runner-proxy.ts";
import { maskDeclaredSecrets } from "../inputs/secret-inputs.ts";
import { routeSdkChatter } from "../sdk-chatter.ts";
import { actionMetadata } from "./action-metadata.ts";
import { parseArgs, requireFlagValues } from "./argv.ts";
import { cleanupStore } from "./cleanup-store.ts";
import { cliLog, cliStepContext } from "./cli-context.ts";
import { cliInputHost, cliToolSources } from "./cli-host.ts";
import { cliInputs } from "./cli-inputs.ts";
import { COMMANDS } from "./commands/index.ts";
import { runTargets } from "./fan-out.ts";
import { commandHelp, generalHelp } from "./help.ts";
import { createRedactor } from "./redactor.ts";
import { UsageError } from "./usage-error.ts";

const EXIT = { ok: 0, failed: 1, usage: 2, deadline: 3 } as const;

// SDK clients can leave sockets and timers behind: the command is over once its output is out.
await exitWhenFlushed(await main(process.argv.slice(2), process.env));

async function main(argv: string[], env: NodeJS.ProcessEnv): Promise<number> {
  const redactor = createRedactor();
  let command: string | undefined;
  let json = false;
  let debug = env.FNGATE_DEBUG === "1" || env.FNGATE_DEBUG === "true";
  let stage = "";
  const log = cliLog(redactor, false, () => "");
  try {
    const args = parseArgs(argv);
    ({ command, json } = args);
    debug ||= args.debug;
    if (args.version) {
      process.stdout.write(`${packageVersion()}\n`);
      return EXIT.ok;
    }
    if (command === undefined || command === "help") {
      (args.help || command === "help" ? process.stdout : process.stderr).write(
        `${generalHelp(COMMANDS, packageVersion())}\n`,
      );
      return args.help || command === "help" ? EXIT.ok : EXIT.usage;
    }
    const found = COMMANDS.find((c) => c.name === command);
    if (!found) {
      throw new UsageError(
        `unknown command ${JSON.stringify(command)}; commands are ${COMMANDS.map((c) => c.name).join(", ")}.`,
      );
    }
    if (args.help) {
      process.stdout.write(`${commandHelp(found)}\n`);
      return EXIT.ok;
    }
    const stepLog = cliLog(redactor, debug, () => stage);
    stage = `[${found.name}] `;
    routeSdkChatter(stepLog.debug);
    const metadata = found.action ? actionMetadata(found.action) : { inputs: [] };
    const extra = ["deadline-minutes", ...(found.flags ?? []).map((f) => f.name)];
    requireFlagValues(args, metadata.inputs, extra);
    if (args.flags.has("parallel") && !args.flags.has("targets"))
      throw new UsageError("--parallel applies to --targets only: add --targets or drop --parallel.");
    const read = cliInputs(metadata, args.flags, env, redactor, extra, found.action);
    // Every input declared secret is hidden from every line before anything reads or prints it.
    if (found.action) maskDeclaredSecrets(found.action, read);
    // HTTPS_PROXY/HTTP_PROXY/NO_PROXY, exactly as the actions honour them.
    const proxy = applyRunnerProxy(proxySettings(env));
    if (proxy.warning) stepLog.warning(proxy.warning);
    const { minutes, noted } = deadlineMinutesOrNoted(
      args.flags.get("deadline-minutes") ?? env.FNGATE_DEADLINE_MINUTES,
      "--deadline-minutes",
    );
    // A command without action inputs parses nothing that could name a refused value with the others.
    if (!found.action && noted[0]) throw noted[0];
    const deadline = startDeadline(minutes, `running ${found.name}`);
    const ctx = {
      ...cliStepContext(stepLog, redactor, env),
      signal: deadline.signal,
      proxyRefusal: proxy.failure,
    };
    try {
      const run = await found.load();
      const runArgs = {
        read: noted.length > 0 ? { ...read, noted } : read,
        host: cliInputHost(env, ctx.homeDir, ctx.secrets),
        tools: cliToolSources(env, ctx.secrets),
        ctx,
        env,
        log: stepLog,
        cleanup: cleanupStore(ctx.homeDir),
        flag: (name: string) => args.flags.get(name),
      };
      const outcome = await deadline.race(
        found.targets && args.flags.has("targets") ? runTargets(found.targets, runArgs, run) : run(runArgs),
      );
      if (json)
        log.result(
          JSON.stringify({
            ok: !outcome.failure,
            command,
            outputs: outcome.outputs,
            ...(outcome.failure ? { error: outcome.failure } : {}),
          }),
        );
      if (outcome.failure) {
        log.error(outcome.failure);
        return EXIT.failed;
      }
      return EXIT.ok;
    } catch (error) {
      if (!deadline.signal.aborted) throw error;
      return report(deadline.message(error), EXIT.deadline);
    } finally {
      deadline.stop();
    }
  } catch (error) {
    if (error instanceof UsageError) {
      const hint =
        command && COMMANDS.some((c) => c.name === command)
          ? ` (fngate ${command} --help)`
          : " (fngate --help)";
      return report(`${error.message}${hint}`, EXIT.usage);
    }
    if (debug && error instanceof Error && error.stack) log.error(error.stack);
    if (isUserError(error)) return report(error.message, EXIT.failed);
    return report(`${describeError(error)} (unexpected error: re-run with --debug for details)`, EXIT.failed);
  }

  function report(message: string, code: number): number {
    log.error(message);
    if (json) log.result(JSON.stringify({ ok: false, command, error: message, exitCode: code }));
    return code;
  }
}

/** package.json sits two folders up from both src/cli/main.ts and dist/cli/index.js. */
function packageVersion(): string {
  const manifest = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as {
    version: string;
  };
  return manifest.version;
}
