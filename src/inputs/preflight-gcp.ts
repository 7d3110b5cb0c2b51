import type { GcpPreflightInputs } from "../preflight/gcp/gcp-preflight.ts";
import { readGcpCredentialInputs } from "./gcp-id-token.ts";
import { type InputReader, withDefined } from "./reader.ts";

/** cloud: cloud-run — cloud-run-deploy's project, region, image and credential inputs (key masked first). */
export function readGcpPreflightInputs(read: InputReader): GcpPreflightInputs {
  const credentials = readGcpCredentialInputs(read);
  return withDefined<GcpPreflightInputs>(
    { ...credentials, project: read.required("project"), region: read.required("region") },
    { image: read.optional("image"), runtimeServiceAccount: read.optional("runtime-service-account") },
  );
}
