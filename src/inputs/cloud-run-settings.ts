import { UserError } from "../errors.ts";
import { parseEnv } from "../gcp/deploy-checks.ts";
import { parseLabels, parseSecrets } from "../gcp/secret-references.ts";
import type { ServiceSettings, VpcSettings } from "../gcp/service-settings.ts";
import {
  checkChoice,
  checkCpu,
  checkCpuAndMemory,
  checkFractionalCpu,
  checkInstanceBounds,
  checkMemory,
  checkRuntimeServiceAccount,
  checkTimeout,
  checkVpcChoice,
  checkVpcConnector,
  checkVpcNetwork,
  checkVpcSubnet,
  checkWholeNumber,
  ENV_UPDATES,
  VPC_EGRESS,
} from "../gcp/settings-checks.ts";
import { type InputReader, withDefined } from "./reader.ts";

/** The Cloud Run service settings cloud-run-deploy and cloud-run-pipeline read, every value checked. */
export interface CloudRunSettingsInputs {
  /** Undefined when no setting is given: the deploy leaves everything as it was. */
  settings?: ServiceSettings;
  /** The env-file path as given; read (inside the workspace) when the deploy is planned. */
  envFile?: string;
}

const UNBOUNDED = Number.MAX_SAFE_INTEGER;

/**
 * Reads and checks the settings inputs for both parsers. Each value is checked in its own field (so
 * every bad one is named in one message), then the rules across inputs (cpu with memory and
 * concurrency, instance bounds, VPC choice); `project` and `region` place a connector given by name.
 */
export function readCloudRunSettings(
  read: InputReader,
  place: { project: string; region: string },
): CloudRunSettingsInputs {
  const value = (name: string) => {
    const text = read.optional(name)?.trim();
    return text === "" ? undefined : text;
  };
  const checked = <T>(name: string, check: (text: string) => T): T | undefined => {
    const text = value(name);
    return text === undefined ? undefined : read.field(name, () => check(text));
  };
  const cpu = checked("cpu", checkCpu);
  const memory = checked("memory", checkMemory);
  const concurrency = checked("concurrency", (text) =>
    checkWholeNumber("concurrency", text, 1, 1000, "requests one instance serves at once"),
  );
  const minInstances = checked("min-instances", (text) =>
    checkWholeNumber("min-instances", text, 0, UNBOUNDED, "instances kept warm"),
  );
  const maxInstances = checked("max-instances", (text) =>
    checkWholeNumber("max-instances", text, 1, UNBOUNDED, "the most instances Cloud Run starts"),
  );
  read.field(["cpu", "memory"], () => checkCpuAndMemory(cpu, memory));
  read.field(["cpu", "concurrency"], () => checkFractionalCpu(cpu, concurrency));
  read.field(["min-instances", "max-instances"], () => checkInstanceBounds(minInstances, maxInstances));
  const secrets = checked("secrets", parseSecrets);
  const env = value("env");
  read.field(["secrets", "env"], () => {
    const plain = env === undefined ? {} : parseEnv(env);
    const both = Object.keys(secrets?.env ?? {}).find((name) => name in plain);
    if (both) {
      throw new UserError(
        `secrets sets ${both} and env sets it too: keep one (a secret's value belongs in secrets).`,
      );
    }
  });
  const vpc = withDefined<VpcSettings>(
    {},
    {
      network: checked("vpc-network", checkVpcNetwork),
      subnet: checked("vpc-subnet", checkVpcSubnet),
      connector: checked("vpc-connector", (text) =>
        checkVpcConnector(text, place.project.trim(), place.region.trim()),
      ),
      egress: checked("vpc-egress", (text) => checkChoice("vpc-egress", text, VPC_EGRESS)),
    },
  );
  read.field(["vpc-connector", "vpc-network", "vpc-subnet", "vpc-egress"], () => checkVpcChoice(vpc));
  const given = withDefined<Omit<ServiceSettings, "envUpdate">>(
    {},
    {
      runtimeServiceAccount: checked("runtime-service-account", checkRuntimeServiceAccount),
      cpu,
      memory,
      concurrency,
      minInstances,
      maxInstances,
      timeoutSeconds: checked("timeout", checkTimeout),
      port: checked("port", (text) =>
        checkWholeNumber("port", text, 1, 65535, "the TCP port the container listens on"),
      ),
      labels: checked("labels", parseLabels),
      vpc: Object.keys(vpc).length > 0 ? vpc : undefined,
    },
  );
  // secrets given lists every Secret Manager reference: under replace, an empty kind clears that kind.
  if (secrets) Object.assign(given, { secretEnv: secrets.env, secretFiles: secrets.files });
  const envUpdate =
    checked("env-update", (text) => checkChoice("env-update", text, ENV_UPDATES)) ?? "replace";
  const envFile = value("env-file");
  const any = Object.keys(given).length > 0 || envUpdate !== "replace";
  return withDefined<CloudRunSettingsInputs>(
    {},
    { settings: any ? { envUpdate, ...given } : undefined, envFile },
  );
}
