import { UserError } from "../errors.ts";

// What gcp-id-token is asked for, checked without Google: the parser checks it with the other inputs
// (a user with a bad token-format and a bad credential input hears of both at once), the step again.

export type TokenFormat = "id-token" | "access-token";

export function checkTokenFormat(value: string | undefined, audience: string | undefined): TokenFormat {
  const format = (value ?? "id-token").trim();
  if (format !== "id-token" && format !== "access-token") {
    throw new UserError(
      `token-format must be id-token (an ID token for audience, what Cloud Run services take) or access-token (an OAuth access token for Google APIs and Artifact Registry); got ${JSON.stringify(format.slice(0, 40))}.`,
    );
  }
  if (format === "id-token" && (audience ?? "").trim() === "") {
    throw new UserError(
      "audience is required for an ID token: set it to the Cloud Run service's URL (cloud-run-deploy's url output), or set token-format: access-token.",
    );
  }
  if (format === "access-token" && audience !== undefined) {
    throw new UserError(
      "audience applies to ID tokens only: an access token carries the cloud-platform scope and no audience; remove audience, or set token-format: id-token.",
    );
  }
  return format;
}

export function checkAudience(value: string): string {
  const trimmed = value.trim();
  if (trimmed === "" || /\s/.test(trimmed) || trimmed.length > 1000) {
    throw new UserError(
      `audience ${JSON.stringify(value.slice(0, 80))} is not an audience: use the Cloud Run service's URL, e.g. https://hello-abc123-an.a.run.app (cloud-run-deploy's url output).`,
    );
  }
  return trimmed;
}
