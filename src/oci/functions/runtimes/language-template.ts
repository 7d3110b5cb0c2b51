/**
 * What one fn language helper (fnproject/cli langs/<lang>.go) contributes to the Dockerfile that
 * `fn build` writes when a function has no Dockerfile of its own: the two base images per version and
 * the lines of each stage. The assembly around them lives in ../fn-dockerfile.ts.
 */
export interface LanguageTemplate {
  /** The versionless runtime name, e.g. "python". */
  family: string;
  /** Versions fn registers, in its registration order: the first is what the bare family name selects. */
  versions: readonly string[];
  /**
   * fn's fallBackOlderVersions (langs/base.go): for a bare family name with neither build_image nor
   * run_image in func.yaml, fn stamps this older version's images instead of the first registered one.
   */
  bareStampVersion?: string;
  /** Names in the function directory whose presence changes the lines below. */
  probes: readonly string[];
  /** What `fn init` writes, shown when func.yaml has neither entrypoint nor cmd. */
  initHint: string;
  buildImage(version: string, facts: BuildFacts): string;
  runImage(version: string, facts: BuildFacts): string;
  buildStage(facts: BuildFacts): string[];
  runStage(facts: BuildFacts): string[];
  /** fn's PreBuild: a check fn makes on the directory before it runs the build. */
  preBuild?(facts: BuildFacts): void;
}

/** What the templates may look at; all of it gathered by the caller, so the templates stay pure. */
export interface BuildFacts {
  /** func.yaml's path, for messages. */
  file: string;
  runtime: string;
  /** Names (from the templates' probes) present in the function directory. */
  files: ReadonlySet<string>;
  javaFdkVersion: string | undefined;
  proxy: MavenProxyEnv;
}

/** The lower-case proxy variables fn's Java helper reads (langs/java.go mavenOpts), as the caller sees them. */
export interface MavenProxyEnv {
  httpProxy?: string | undefined;
  httpsProxy?: string | undefined;
  noProxy?: string | undefined;
}

/** fn's image tags are "<repo>:<version>" and "<repo>:<version>-dev" for most languages. */
export function devAndRunImages(repository: string): Pick<LanguageTemplate, "buildImage" | "runImage"> {
  return {
    buildImage: (version) => `${repository}:${version}-dev`,
    runImage: (version) => `${repository}:${version}`,
  };
}
