import { UserError } from "../errors.ts";

/** Google's public hosts; FNGATE_GCP_ENDPOINT replaces all of them with one base URL. */
export const GOOGLE_OAUTH2_TOKEN_URL = "https://oauth2.googleapis.com/token";
const GOOGLE_STS_TOKEN_URL = "https://sts.googleapis.com/v1/token";
const GOOGLE_IAM_CREDENTIALS = "https://iamcredentials.googleapis.com";
const GOOGLE_RUN_HOST = "run.googleapis.com";
const GOOGLE_IAM = "https://iam.googleapis.com";
const GOOGLE_ARTIFACT_REGISTRY = "https://artifactregistry.googleapis.com";

export interface GoogleEndpoints {
  /** Cloud Run Admin API host (and port) for the REST client: the client adds https:// and /v2/... */
  runApiEndpoint: string;
  runApiPort: number;
  /** STS token exchange (workload identity federation). */
  stsTokenUrl: string;
  /** IAM Credentials base: /v1/projects/-/serviceAccounts/<email>:generateIdToken and :generateAccessToken. */
  iamCredentials: string;
  /** OAuth2 token endpoint a service account key's JWT assertion is posted to. */
  oauth2TokenUrl: string;
  /** IAM API base: /v1/projects/-/serviceAccounts/<email>:testIamPermissions (preflight). */
  iam: string;
  /** Artifact Registry API base: /v1/projects/<p>/locations/<l>/repositories/<r> (preflight). */
  artifactRegistry: string;
}

/**
 * Where each Google API lives. With an override (a private endpoint, a proxy, the emulator) one base
 * URL serves them all: the Cloud Run Admin API at its root (/v2/...), STS under /sts, IAM Credentials
 * under /iamcredentials, the OAuth2 token endpoint at /oauth2/token, IAM under /iam and Artifact
 * Registry under /artifactregistry.
 */
export function googleEndpoints(override: string | undefined): GoogleEndpoints {
  if (override === undefined) {
    return {
      runApiEndpoint: GOOGLE_RUN_HOST,
      runApiPort: 443,
      stsTokenUrl: GOOGLE_STS_TOKEN_URL,
      iamCredentials: GOOGLE_IAM_CREDENTIALS,
      oauth2TokenUrl: GOOGLE_OAUTH2_TOKEN_URL,
      iam: GOOGLE_IAM,
      artifactRegistry: GOOGLE_ARTIFACT_REGISTRY,
    };
  }
  let url: URL;
  try {
    url = new URL(override);
  } catch {
    throw new UserError(
      `FNGATE_GCP_ENDPOINT ${JSON.stringify(override)} is not a URL: set it to an https:// base URL such as https://gcp.internal.example:8443.`,
    );
  }
  if (url.protocol !== "https:" || (url.pathname !== "/" && url.pathname !== "")) {
    throw new UserError(
      `FNGATE_GCP_ENDPOINT ${JSON.stringify(override)} must be an https:// URL without a path (the Cloud Run Admin API is served at its root).`,
    );
  }
  const base = url.origin;
  return {
    runApiEndpoint: url.hostname,
    runApiPort: url.port === "" ? 443 : Number(url.port),
    stsTokenUrl: `${base}/sts/v1/token`,
    iamCredentials: `${base}/iamcredentials`,
    oauth2TokenUrl: `${base}/oauth2/token`,
    iam: `${base}/iam`,
    artifactRegistry: `${base}/artifactregistry`,
  };
}
