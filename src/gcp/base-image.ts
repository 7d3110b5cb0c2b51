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
