import type { InputHost } from "../inputs/input-host.ts";
import type { InputReader } from "../inputs/reader.ts";
import type { StepContext } from "../step-context.ts";
import type { ToolSources } from "../tools/step-tools.ts";
import type { CleanupStore } from "./cleanup-store.ts";
import type { CliLog } from "./cli-context.ts";

/** What a command gets: its inputs (the action's, from flags/env/defaults), a StepContext and the CLI's stores. */
export interface CommandRun {
  read: InputReader;
  /** What the parsers learn besides the inputs (the OCI profile, the commit, the CI's OIDC token). */
  host: InputHost;
  tools: ToolSources;
  ctx: StepContext;
  env: NodeJS.ProcessEnv;
  log: CliLog;
  /** A command's own flag (see CliCommand.flags), undefined when not given. */
  flag(name: string): string | undefined;
  /** Undo records for `fngate cleanup` (fn-context's files, ocir-login's docker login). */
  cleanup: CleanupStore;
}

export interface CommandOutcome {
  /** The action's outputs, by the same names; the --json result carries them. */
  outputs: Record<string, string>;
  /** Set when the step ran but its verdict is a failure (a smoke check failed): exit 1. */
  failure?: string;
}

/** What a command does; each src/cli/commands/<step>.ts exports one as `run`. */
export type CommandRunner = (run: CommandRun) => Promise<CommandOutcome>;

/**
 * One `fngate <name>` command as --help and the argument check know it. `action` names the action.yml
 * whose inputs are its flags (with their defaults); a command without one takes no flags. `load`
 * imports the command's file only when it runs, so --help and usage errors load no cloud SDK.
 */
export interface CliCommand {
  name: string;
  action?: string;
  summary: string;
  /** Flags of the CLI only, beyond the action's inputs (where to write a token, say). */
  flags?: readonly {
    name: string;
    description: string /** What --help says it takes (default "a path"). */;
    value?: string;
  }[];
  /** Set for a command that deploys to many regions with --targets (src/cli/fan-out.ts). */
  targets?: TargetSpec;
  load(): Promise<CommandRunner>;
}

/** How a command's inputs change per target (src/cli/fan-out.ts). */
export interface TargetSpec {
  /** Inputs a target may set for itself ({"region": ..., "gateway-ocid": ...}): regional resources. */
  settings: readonly string[];
  /** Resource names two targets in one region would share: they get "-<target name>" then. */
  suffixed: readonly string[];
  /** The command writes ~/.oci, ~/.fn or docker's config: each target gets a home of its own. */
  ownHome?: boolean;
}
