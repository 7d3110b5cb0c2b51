import type { CliCommand } from "../command.ts";
import { cleanupCommand } from "./cleanup.ts";
import { entraTokenCommand } from "./entra-token.ts";
import { fnContextCommand } from "./fn-context.ts";
import { fnDeployCommand } from "./fn-deploy.ts";
import { gatewayDeployCommand } from "./gateway-deploy.ts";
import { ocirLoginCommand } from "./ocir-login.ts";
import { pipelineCommand } from "./pipeline.ts";
import { smokeTestCommand } from "./smoke-test.ts";

/** Every `fngate <command>`, in the order --help lists them. A new step: one file and one line here. */
export const COMMANDS: readonly CliCommand[] = [
  pipelineCommand,
  fnContextCommand,
  ocirLoginCommand,
  fnDeployCommand,
  gatewayDeployCommand,
  entraTokenCommand,
  smokeTestCommand,
  cleanupCommand,
];
