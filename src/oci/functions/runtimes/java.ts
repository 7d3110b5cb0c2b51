import { UserError } from "../../../errors.ts";
import type { BuildFacts, LanguageTemplate } from "./language-template.ts";
import { mavenOpts } from "./maven-opts.ts";

/**
 * Follows fnproject/cli langs/java.go (JavaLangHelper): a Maven build in the FDK build image, jars copied
 * into the FDK runtime image, whose own ENTRYPOINT starts the JVM. The image tags carry the FDK
 * release, which fn looks up on Maven Central when func.yaml does not name the images; we take it
 * from the caller so that this stays pure.
 */
export const java: LanguageTemplate = {
  family: "java",
  versions: ["21", "17", "11", "8"],
  bareStampVersion: "17",
  probes: ["pom.xml"],
  initHint: "cmd: com.example.fn.HelloFunction::handleRequest",
  buildImage: (version, facts) => `${buildRepository(version)}${fdkVersion(version, facts)}`,
  runImage: (version, facts) => `${runRepository(version)}${fdkVersion(version, facts)}`,
  buildStage: ({ proxy }) => [
    `ENV MAVEN_OPTS ${mavenOpts(proxy)}`,
    "ADD pom.xml /function/pom.xml",
    'RUN ["mvn", "package", "dependency:copy-dependencies", "-DincludeScope=runtime", "-DskipTests=true", ' +
      '"-Dmdep.prependGroupId=true", "-DoutputDirectory=target", "--fail-never"]',
    "ADD src /function/src",
    'RUN ["mvn", "package"]',
  ],
  runStage: () => ["COPY --from=build-stage /function/target/*.jar /function/app/"],
  preBuild({ file, runtime, files }) {
    if (!files.has("pom.xml")) {
      throw new UserError(
        `${file}: runtime ${runtime} is built with Maven, but there is no pom.xml next to it; add one, or add a Dockerfile.`,
      );
    }
  },
};

/** Java 8 images carry the bare FDK release as their tag; later JDKs prefix it with jdkNN-/jreNN-. */
function buildRepository(version: string): string {
  return `fnproject/fn-java-fdk-build:${version === "8" ? "" : `jdk${version}-`}`;
}

function runRepository(version: string): string {
  return `fnproject/fn-java-fdk:${version === "8" ? "" : `jre${version}-`}`;
}

function fdkVersion(version: string, { file, runtime, javaFdkVersion }: BuildFacts): string {
  if (javaFdkVersion) return javaFdkVersion;
  throw new UserError(
    `${file}: runtime ${runtime} needs the Java FDK release for its images; add what fn init writes, e.g. ` +
      `build_image: ${buildRepository(version)}<fdk version> and run_image: ${runRepository(version)}<fdk version>.`,
  );
}
