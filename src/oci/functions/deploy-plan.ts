import { access, stat } from "node:fs/promises";
import { join } from "node:path";
import { describeError, UserError } from "../../errors.ts";
import { readSmallTextFile } from "../../fs/read-capped.ts";
import { confineToWorkspace } from "../../fs/workspace-path.ts";
import type { OciProfile } from "../oci-clients.ts";
import { requireOcid } from "../ocid.ts";
import {
  checkRepositoryName,
  checkTag,
  parseImageReference,
  parseRegistryPrefix,
} from "../registry/image-reference.ts";
import { currentFnRegistry } from "./fn-cli-registry.ts";
import { dockerfileFor, probedFiles } from "./fn-dockerfile.ts";
import { type FuncYaml, parseFuncYaml } from "./func-yaml.ts";
import { parseConfigLines } from "./function-config.ts";
import { type FunctionShape, parseShape } from "./function-shape.ts";

/**
 * fn-deploy's inputs, and the plan made from them before any call: func.yaml read, defaults applied
 * (fn deploy's: function and repository from func.yaml's name, tag from its version), every value
 * checked, so a mistake fails with one line naming the input and nothing half-deployed.
 */
export interface FnDeployInputs {
  /** Name or OCID. */
  application: string;
  /** Where a named application is looked up and the OCIR repository created; the application's otherwise. */
  compartmentOcid?: string;
  /** Function name; func.yaml's name when absent. */
  function?: string;
  /** Directory with func.yaml and/or a Dockerfile. */
  path: string;
  /** A prebuilt image: nothing is built. */
  image?: string;
  /** <host>/<namespace>[/<prefix>]; the current Fn context's registry when absent. */
  registry?: string;
  repository?: string;
  tag?: string;
  /** MB. */
  memory?: number;
  /** Seconds. */
  timeout?: number;
  /** KEY=VALUE lines; every value is a secret. */
  config?: string;
  /** Request body of a test call after deploying; no call when absent. */
  invoke?: string;
  wait: boolean;
  /**
   * The shape the workflow builds for (GENERIC_X86, GENERIC_ARM, GENERIC_X86_ARM); must be the
   * application's, which is what is used when absent.
   */
  shape?: string;
  /** The commit being deployed (GITHUB_SHA); its first 7 characters end the default tag. */
  gitSha?: string;
  /** Tags a function this deploy creates (fngate-run), so teardown finds it; checked by the adapter. */
  runLabel?: string;
  ociProfile: OciProfile;
}

/** What planning needs from the step's context. */
export interface PlanContext {
  homeDir: string;
  /** path must lie inside it (symbolic links resolved). */
  workspaceDir: string;
  registerSecret(value: string): void;
  warn(message: string): void;
}

// fn's func.yaml is a few hundred bytes; anything near this is not one.
const FUNC_YAML_MAX_BYTES = 1024 * 1024;
const MEMORY = { min: 128, max: 3072, fallback: 256 };
const TIMEOUT = { min: 5, max: 300, fallback: 30 };

export interface Plan {
  functionName: string;
  compartmentId: string | undefined;
  memoryInMBs: number;
  timeoutInSeconds: number;
  config: Record<string, string>;
  /** The shape input, checked; undefined means "the application's". */
  shape: FunctionShape | undefined;
  build?: {
    contextDir: string;
    image: string;
    /** The repository's name in the Artifacts API: its path below the namespace. */
    repository: string;
    /** Set when the directory has no Dockerfile: the one fn would generate from func.yaml. */
    generatedDockerfile?: { text: string; runtime: string };
  };
  prebuilt?: { image: string; digest: string | undefined };
}

/** What planning reads: everything but the OCI profile, which only the calls need. */
export type DeployPlanInputs = Omit<FnDeployInputs, "ociProfile">;

/** What fn-deploy knows before the registry: the function's settings and the image's source. */
export interface FunctionPlan {
  base: Omit<Plan, "build" | "prebuilt">;
  prebuilt?: NonNullable<Plan["prebuilt"]>;
  source?: {
    contextDir: string;
    hasDockerfile: boolean;
    func: FuncYaml | undefined;
    repositoryName: string;
    tag: string;
  };
}

/** Everything that can be checked without a call: inputs, func.yaml, image and registry names. */
export async function planDeploy(inputs: DeployPlanInputs, ctx: PlanContext): Promise<Plan> {
  const { base, prebuilt, source } = await planFunction(inputs, ctx);
  if (prebuilt || !source) return { ...base, ...(prebuilt ? { prebuilt } : {}) };
  const registryText = inputs.registry ?? (await currentFnRegistry(ctx.homeDir))?.registry;
  if (!registryText) {
    throw new UserError(
      "registry is required: set it to <registry host>/<namespace>, or run fn-context (its Fn context holds the registry) before fn-deploy.",
    );
  }
  const registry = parseRegistryPrefix(
    registryText,
    inputs.registry ? "registry" : "the Fn context's registry",
  );
  const { contextDir, hasDockerfile, func, repositoryName, tag } = source;
  const image = `${registry.host}/${registry.namespace}/${registry.prefix ? `${registry.prefix}/` : ""}${repositoryName}:${tag}`;
  if (func?.build && func.build.length > 0 && !hasDockerfile) {
    ctx.warn("func.yaml has build commands; fn-deploy does not run them: run them in an earlier step.");
  }
  return {
    ...base,
    build: {
      contextDir,
      image,
      repository: repositoryPath(registry.prefix, repositoryName),
      ...(hasDockerfile || !func ? {} : { generatedDockerfile: await generateDockerfile(func, contextDir) }),
    },
  };
}

/**
 * Every check planDeploy makes before it needs the registry, which the pipeline's ocir-login stage
 * may name later: the pipeline runs this before any stage, so a bad input changes nothing.
 */
export async function planFunction(inputs: DeployPlanInputs, ctx: PlanContext): Promise<FunctionPlan> {
  // Values first: they are secrets, masked before anything could print them.
  const config = inputs.config === undefined ? {} : parseConfigLines(inputs.config, "config");
  for (const value of Object.values(config)) ctx.registerSecret(value);

  const compartmentId =
    inputs.compartmentOcid === undefined
      ? undefined
      : requireOcid(inputs.compartmentOcid, "compartment-ocid", ["compartment", "tenancy"]).value;
  if (inputs.application.trim() === "") throw new UserError("application is required: a name or an OCID.");
  if (inputs.application.startsWith("ocid1.")) requireOcid(inputs.application, "application", ["fnapp"]);

  const shape = parseShape(inputs.shape);
  const contextDir = (await confineToWorkspace("path", inputs.path, ctx.workspaceDir)).real;
  if (!(await isDirectory(contextDir))) {
    throw new UserError(
      `path ${inputs.path} is not a directory: point it at the function's folder (with func.yaml).`,
    );
  }
  const func = await readFuncYaml(inputs.path, ctx.workspaceDir);
  const functionName = inputs.function ?? func?.name;
  if (!functionName) {
    throw new UserError(
      `function is required: ${func === undefined ? `${inputs.path} has no func.yaml` : "func.yaml has no name"} to take it from.`,
    );
  }
  if (!/^[A-Za-z0-9][A-Za-z0-9_.-]{0,254}$/.test(functionName)) {
    throw new UserError(
      `function ${JSON.stringify(functionName)} is not a function name: letters, digits, '_', '.' or '-'.`,
    );
  }
  const memoryInMBs = inRange(inputs.memory ?? func?.memory ?? MEMORY.fallback, MEMORY, "memory", "MB");
  const timeoutInSeconds = inRange(
    inputs.timeout ?? func?.timeout ?? TIMEOUT.fallback,
    TIMEOUT,
    "timeout",
    "seconds",
  );
  const fullConfig = { ...func?.config, ...config };

  const base = { functionName, compartmentId, memoryInMBs, timeoutInSeconds, config: fullConfig, shape };
  if (inputs.image !== undefined) {
    for (const name of ["registry", "repository", "tag"] as const) {
      if (inputs[name] !== undefined) ctx.warn(`${name} is ignored: image names a prebuilt image.`);
    }
    const reference = parseImageReference(inputs.image, "image");
    return { base, prebuilt: { image: inputs.image.trim(), digest: reference.digest } };
  }

  // A Dockerfile that links out of the workspace (to a key) would be read by docker and quoted in errors.
  await confineToWorkspace("path", join(inputs.path, "Dockerfile"), ctx.workspaceDir);
  const hasDockerfile = await pathExists(join(contextDir, "Dockerfile"));
  if (!hasDockerfile && func === undefined) {
    throw new UserError(
      `path ${inputs.path} has neither func.yaml nor a Dockerfile: point path at the function's folder, or set image to a prebuilt image.`,
    );
  }
  if (inputs.registry !== undefined) parseRegistryPrefix(inputs.registry, "registry");
  const repositoryName = checkRepositoryName(inputs.repository ?? functionName.toLowerCase(), "repository");
  const tag = checkTag(inputs.tag ?? defaultTag(func?.version, inputs.gitSha), "tag");
  return { base, source: { contextDir, hasDockerfile, func, repositoryName, tag } };
}

/** The repository's name in the Artifacts API: its path below the namespace. */
export function repositoryPath(registryPrefix: string | undefined, repositoryName: string): string {
  return registryPrefix ? `${registryPrefix}/${repositoryName}` : repositoryName;
}

/** func.yaml of the function's folder, when there is one; it may itself be a link, kept inside the workspace. */
async function readFuncYaml(path: string, workspaceDir: string): Promise<FuncYaml | undefined> {
  const funcFile = (await confineToWorkspace("path", join(path, "func.yaml"), workspaceDir)).real;
  const funcText = await readSmallTextFile(
    funcFile,
    `func.yaml in path ${JSON.stringify(path)}`,
    FUNC_YAML_MAX_BYTES,
  );
  return funcText === undefined ? undefined : parseFuncYaml(funcText, `${path}/func.yaml`);
}

/** Generated while planning, so an unsupported runtime fails before anything is created. */
async function generateDockerfile(
  func: FuncYaml,
  contextDir: string,
): Promise<{ text: string; runtime: string }> {
  const files = new Set<string>();
  for (const name of probedFiles) if (await pathExists(join(contextDir, name))) files.add(name);
  return { text: dockerfileFor(func, "func.yaml", { files }), runtime: func.runtime ?? "" };
}

/** fn's tag is func.yaml's version; the commit makes each build's tag unique and traceable. */
export function defaultTag(version: string | undefined, gitSha: string | undefined): string {
  const sha = gitSha?.trim().slice(0, 7);
  if (version && sha) return `${version}-${sha}`;
  return version || sha || "latest";
}
function inRange(
  value: number,
  range: { min: number; max: number },
  inputName: string,
  unit: string,
): number {
  if (!Number.isInteger(value) || value < range.min || value > range.max) {
    throw new UserError(
      `${inputName} must be a whole number of ${unit} from ${range.min} to ${range.max} (OCI Functions' limits); got ${value}.`,
    );
  }
  return value;
}

export async function pathExists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}

async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return false;
    throw new UserError(`cannot read ${path}: ${describeError(error)}`);
  }
}
