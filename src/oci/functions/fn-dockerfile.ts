import { UserError } from "../../errors.ts";
import type { FuncYaml } from "./func-yaml.ts";
import { go } from "./runtimes/go.ts";
import { java } from "./runtimes/java.ts";
import type { BuildFacts, LanguageTemplate, MavenProxyEnv } from "./runtimes/language-template.ts";
import { node } from "./runtimes/node.ts";
import { python } from "./runtimes/python.ts";
import { ruby } from "./runtimes/ruby.ts";

export type { MavenProxyEnv };

/**
 * The Dockerfile `fn build` / `fn deploy` writes for a function directory without one, so that
 * fngate builds the same image. Follows fnproject/cli 0.6.63 (commit 2b6493a2): common/common.go
 * imageStampFuncFileV20180708 + writeTmpDockerfileV20180708, and langs/*.go for each language.
 * dotnet and kotlin, which fn also knows, are left to a user Dockerfile.
 */
const LANGUAGES: readonly LanguageTemplate[] = [python, node, go, java, ruby];

/** Every `runtime:` value accepted without a Dockerfile: the bare family (fn's default version) and each versioned name. */
export const supportedRuntimes: readonly string[] = LANGUAGES.flatMap((language) => [
  language.family,
  ...language.versions.map((version) => `${language.family}${version}`),
]);

/** Names whose presence in the function directory changes the Dockerfile; check these for `files`. */
export const probedFiles: readonly string[] = [...new Set(LANGUAGES.flatMap((language) => language.probes))];

/** What fn takes from outside func.yaml. The caller gathers it; dockerfileFor stays pure. */
export interface FnBuildInputs {
  /**
   * The names from `probedFiles` that exist in the function directory (as os.Stat sees them, following
   * symlinks). Required: fn's python, node, go and ruby stages differ with requirements.txt,
   * package.json, go.mod, Gemfile and the like.
   */
  files: ReadonlySet<string>;
  /**
   * The Java FDK release fn would find as the latest on Maven Central (or in FN_JAVA_FDK_VERSION), used
   * only for a java runtime whose func.yaml lacks build_image or run_image.
   */
  javaFdkVersion?: string | undefined;
  /** http_proxy, https_proxy and no_proxy as fn would see them; they land in the Java MAVEN_OPTS line. */
  proxy?: MavenProxyEnv | undefined;
  /**
   * The run image's Config.Entrypoint, which fn obtains with `docker pull` + `docker inspect` and writes
   * out when func.yaml has no entrypoint (the Java FDK images carry one). Without it the ENTRYPOINT line
   * is left out: the run image's entrypoint then applies unchanged, which gives the same image config.
   */
  runImageEntrypoint?: readonly string[] | undefined;
}

const SCHEMA_VERSION = 20180708;

/** Returns the Dockerfile text, each line ending in "\n", exactly as fn writes it. */
export function dockerfileFor(func: FuncYaml, file: string, inputs: FnBuildInputs): string {
  // fn deploy only reads the 20180708 format (common/funcfile.go ParseFuncFileV20180708).
  if (func.schemaVersion !== SCHEMA_VERSION) {
    throw new UserError(
      `${file}: schema_version must be ${SCHEMA_VERSION}, the only func.yaml format fn deploy accepts; fn migrate converts older files.`,
    );
  }
  const runtime = func.runtime ?? "";
  if (runtime === "docker") {
    throw new UserError(
      `${file}: runtime docker builds from your own Dockerfile; add one next to func.yaml.`,
    );
  }
  const match = findLanguage(runtime);
  if (!match) throw unsupported(runtime, file);
  const { language, version, bare } = match;
  const facts: BuildFacts = {
    file,
    runtime,
    files: inputs.files,
    javaFdkVersion: inputs.javaFdkVersion,
    proxy: inputs.proxy ?? {},
  };

  // fn fills in both images only when func.yaml names neither, and then, for a bare family name, from
  // the older fallback version (langs/base.go fallBackOlderVersions); when func.yaml names one image the
  // other comes from the family's first registered version.
  let buildImage: string;
  let runImage: string;
  if (!func.buildImage && !func.runImage) {
    const stampVersion = bare ? (language.bareStampVersion ?? version) : version;
    buildImage = language.buildImage(stampVersion, facts);
    runImage = language.runImage(stampVersion, facts);
  } else {
    buildImage = func.buildImage || language.buildImage(version, facts);
    runImage = func.runImage || language.runImage(version, facts);
  }

  if (!func.entrypoint && !func.cmd) {
    throw new UserError(
      `${file}: set entrypoint or cmd; fn needs one to start the function (fn init writes ${language.initHint} for ${language.family}).`,
    );
  }

  const lines = [
    `FROM ${buildImage} as build-stage`,
    "WORKDIR /function",
    ...language.buildStage(facts),
    `FROM ${runImage}`,
    "WORKDIR /function",
    ...language.runStage(facts),
  ];
  const entrypoint = func.entrypoint
    ? unpackInspectQuoting(func.entrypoint)
    : inputs.runImageEntrypoint && unpackInspectQuoting(`'[${inputs.runImageEntrypoint.join(" ")}]'`);
  if (entrypoint !== undefined) lines.push(`ENTRYPOINT [${execForm(entrypoint)}]`);
  if (func.cmd) lines.push(`CMD [${execForm(func.cmd)}]`);

  language.preBuild?.(facts);
  return lines.map((line) => `${line}\n`).join("");
}

function findLanguage(
  runtime: string,
): { language: LanguageTemplate; version: string; bare: boolean } | undefined {
  for (const language of LANGUAGES) {
    const [first] = language.versions;
    if (first !== undefined && runtime === language.family) return { language, version: first, bare: true };
    const version = language.versions.find((v) => runtime === `${language.family}${v}`);
    if (version !== undefined) return { language, version, bare: false };
  }
  return undefined;
}

function unsupported(runtime: string, file: string): UserError {
  const fix = "or add a Dockerfile next to func.yaml to build it your way.";
  if (runtime === "") {
    return new UserError(`${file} has no runtime; set one of ${supportedRuntimes.join(", ")}, ${fix}`);
  }
  // "python3.9" or "node18": a known family in a version fn no longer builds.
  const family = LANGUAGES.find(
    (language) =>
      runtime.startsWith(language.family) && /^[0-9.]/.test(runtime.slice(language.family.length)),
  );
  const choices = family
    ? `fn builds ${family.family} as ${supportedRuntimes.filter((r) => r.startsWith(family.family)).join(", ")}`
    : `supported: ${supportedRuntimes.join(", ")}`;
  return new UserError(
    `${file}: runtime ${JSON.stringify(runtime)} has no fn build template (${choices}); change it, ${fix}`,
  );
}

/**
 * fn runs `docker inspect -f '{{.Config.Entrypoint}}'` without a shell, so the quotes come back as
 * part of the output ('[a b c]'); it strips them (langs/base.go UnpackSingleQuoteBracket) from that
 * output and from func.yaml's entrypoint alike.
 */
function unpackInspectQuoting(text: string): string {
  let unpacked = goTrimSpace(text);
  if (unpacked.endsWith("]'")) unpacked = unpacked.slice(0, -2);
  if (unpacked.startsWith("'[")) unpacked = unpacked.slice(2);
  return unpacked;
}

/**
 * fn's exec form (utils/utils.go StringToSlice): split on whitespace and wrap each word in double quotes,
 * without escaping; a quoted argument with spaces in func.yaml therefore ends up split, as with fn.
 */
function execForm(text: string): string {
  return goFields(text)
    .map((word) => `"${word}"`)
    .join(", ");
}

/** Go's unicode.IsSpace set, used by strings.Fields and strings.TrimSpace (narrower than JS \s). */
const GO_SPACE = "\\t\\n\\v\\f\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000";
const GO_SPACES = new RegExp(`[${GO_SPACE}]+`);
const GO_TRIM = new RegExp(`^[${GO_SPACE}]+|[${GO_SPACE}]+$`, "g");

function goFields(text: string): string[] {
  return text.split(GO_SPACES).filter((word) => word !== "");
}

function goTrimSpace(text: string): string {
  return text.replace(GO_TRIM, "");
}
