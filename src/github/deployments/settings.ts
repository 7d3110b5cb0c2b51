import { UserError } from "../../errors.ts";
import type { InputReader } from "../../inputs/reader.ts";
import type { DeploymentRecordSettings } from "./record.ts";

/** GitHub's limit on an environment's name (https://docs.github.com/en/actions/reference/environments). */
const ENVIRONMENT_MAX = 255;

/** `github-token` turns the record on; `environment` names what it deploys to. */
export function readDeploymentRecordSettings(read: InputReader): DeploymentRecordSettings | undefined {
  const token = read.optional("github-token");
  const environment = read.field("environment", () => {
    const name = read.optional("environment") ?? "production";
    if (name.length > ENVIRONMENT_MAX) {
      throw new UserError(`environment must be at most ${ENVIRONMENT_MAX} characters; got ${name.length}.`);
    }
    return name;
  });
  return token ? { token, environment } : undefined;
}
