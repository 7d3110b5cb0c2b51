import { type InputReader, withDefined } from "../github/inputs.ts";
import type { GcpPreflightInputs } from "../preflight/gcp/gcp-preflight.ts";
import { getCredentialInputs } from "./gcp-id-token.ts";

/** cloud: cloud-run — cloud-run-deploy's project, region, image and credential inputs (key masked first). */
export function getGcpPreflightInputs(read: InputReader): GcpPreflightInputs {
  const credentials = getCredentialInputs(read);
  return withDefined<GcpPreflightInputs>(
    { ...credentials, project: read.required("project"), region: read.required("region") },
    { image: read.optional("image"), runtimeServiceAccount: read.optional("runtime-service-account") },
  );
}
