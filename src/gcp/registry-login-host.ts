import { UserError } from "../errors.ts";

/** Whether cloud-run-deploy logs docker in to the image's registry before pushing what it built. */
export type RegistryLogin = "auto" | "always" | "never";

const CHOICES: readonly RegistryLogin[] = ["auto", "always", "never"];

// Artifact Registry's Docker hosts are LOCATION-docker.pkg.dev (regional or multi-regional, e.g.
// asia-northeast1-docker.pkg.dev, us-docker.pkg.dev), and it serves the Container Registry names
// gcr.io, us.gcr.io, eu.gcr.io and asia.gcr.io for gcr.io repositories: "requests to gcr.io hostnames
// are redirected to a corresponding Artifact Registry repository"
// (https://cloud.google.com/artifact-registry/docs/transition/changes-docker). Both take an OAuth
// access token as the password of the user oauth2accesstoken
// (https://docs.cloud.google.com/artifact-registry/docs/docker/authentication).
const ARTIFACT_REGISTRY_HOST = /^[a-z0-9]+(?:-[a-z0-9]+)*-docker\.pkg\.dev$/;
const GCR_HOST = /^(?:(?:us|eu|asia)\.)?gcr\.io$/;

export function checkRegistryLogin(value: string | undefined): RegistryLogin {
  const choice = (value ?? "auto").trim();
  if (!(CHOICES as readonly string[]).includes(choice)) {
    throw new UserError(
      `registry-login must be auto (log in to Artifact Registry hosts), always (to the image's host, whatever it is) or never; got ${JSON.stringify(choice.slice(0, 40))}.`,
    );
  }
  return choice as RegistryLogin;
}

export function isGoogleRegistry(host: string): boolean {
  return ARTIFACT_REGISTRY_HOST.test(host) || GCR_HOST.test(host);
}

/** The host to log docker in to with the deployer's access token, or undefined for none. */
export function registryLoginHost(image: string, mode: RegistryLogin): string | undefined {
  if (mode === "never") return undefined;
  const host = image.split("/")[0] ?? "";
  return mode === "always" || isGoogleRegistry(host) ? host : undefined;
}
