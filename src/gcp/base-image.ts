import { finalBase } from "../docker/dockerfile-stages.ts";
import { UserError } from "../errors.ts";

// Runtimes whose default stack is Ubuntu 24.04 (google-24); the others default to google-22, as in
// Google's runtime tables. A stack can always be named explicitly: google-22-full/python312.
const GOOGLE_24_RUNTIMES = new Set(["nodejs24", "python314"]);

const FULL_URI = /^[a-z0-9-]+-docker\.pkg\.dev\/serverless-runtimes\/[a-z0-9-]+\/runtimes\/[a-z]+\d+$/;
const STACK_AND_RUNTIME = /^(google-\d+(?:-full)?)\/([a-z]+\d+)$/;
const RUNTIME = /^[a-z]+\d+$/;

/**
 * The runtime base image as Cloud Run stores it (container.baseImageUri, for automatic base image
 * updates): REGION-docker.pkg.dev/serverless-runtimes/STACK/runtimes/RUNTIME. Takes what gcloud's
 * --base-image takes: a runtime ID (python312), STACK/RUNTIME, or the full URI.
 */
export function baseImageUri(value: string, region: string): string {
  if (FULL_URI.test(value)) return value;
  const uri = (stack: string, runtime: string) =>
    `${region}-docker.pkg.dev/serverless-runtimes/${stack}/runtimes/${runtime}`;
  const pair = STACK_AND_RUNTIME.exec(value);
  if (pair) return uri(pair[1] ?? "", pair[2] ?? "");
  if (RUNTIME.test(value)) return uri(GOOGLE_24_RUNTIMES.has(value) ? "google-24" : "google-22", value);
  throw new UserError(
    `base-image ${JSON.stringify(value.slice(0, 80))} is not a base image: use a runtime ID such as python312 or nodejs22, STACK/RUNTIME such as google-22-full/python312, or REGION-docker.pkg.dev/serverless-runtimes/STACK/runtimes/RUNTIME.`,
  );
}

// With automatic base image updates Cloud Run layers the app image on top of the runtime base image,
// so the app image must leave the base operating system out: Google's page has it built either by a
// source deploy with --base-image, or by a multi-stage Dockerfile whose last stage copies the built app
// onto `scratch` ("Build on scratch",
// https://cloud.google.com/run/docs/configuring/services/automatic-base-image-updates).
const BASE_IMAGE_DOCS = "https://cloud.google.com/run/docs/configuring/services/automatic-base-image-updates";

/**
 * base-image with a Dockerfile fngate builds: refused unless the final stage is FROM scratch; a
 * final stage that depends on a build argument cannot be told, and gets a warning.
 */
export function checkBaseImageBuild(dockerfileName: string, dockerfile: string): string | undefined {
  const base = finalBase(dockerfile);
  if (base?.kind === "scratch") return undefined;
  if (base?.kind === "unknown") {
    return `base-image is set and ${dockerfileName}'s final stage is FROM ${base.from}, which depends on a build argument: automatic base image updates need an app image built FROM scratch (only the app, no OS), or Cloud Run stacks it on the base image (${BASE_IMAGE_DOCS}).`;
  }
  throw new UserError(
    `base-image is set, but ${dockerfileName}'s final stage is FROM ${base?.from ?? "(no FROM)"}: with automatic base image updates Cloud Run puts the app image on top of the base image, so it must hold only the app; make the last stage FROM scratch and copy the built app into it, or drop base-image (${BASE_IMAGE_DOCS}).`,
  );
}

/** base-image with a prebuilt image: fngate cannot see how it was built, so it says what it needs. */
export function prebuiltBaseImageWarning(image: string, baseImageUri: string): string {
  return `base-image is set for the prebuilt image ${image}: Cloud Run runs it on top of ${baseImageUri}, so it must have been built for that (FROM scratch with only the app, or gcloud run deploy --source --base-image); an image with its own OS stacks it on the base image (${BASE_IMAGE_DOCS}).`;
}
