import { type AuthClient, IdentityPoolClient, Impersonated, JWT } from "google-auth-library";
import { authFailure } from "./auth-failure.ts";
import { GOOGLE_OAUTH2_TOKEN_URL, type GoogleEndpoints } from "./google-endpoints.ts";
import type { ServiceAccountKey } from "./key-json.ts";
import { transporterOptions } from "./transport-options.ts";
import { githubTokenAudience } from "./workload-identity.ts";

export const CLOUD_PLATFORM_SCOPE = "https://www.googleapis.com/auth/cloud-platform";

/** How the step authenticates to Google: a key file, or keyless from the job's GitHub OIDC token. */
export type GcpCredential =
  | { kind: "key"; key: ServiceAccountKey }
  | {
      kind: "federated";
      provider: string;
      serviceAccount: string;
      /** The job's GitHub OIDC token for `audience`, asked for only when STS is about to be called. */
      githubToken(audience: string): Promise<string>;
    };

/** Who the calls are made as, for messages. */
export function principalOf(credential: GcpCredential): string {
  return credential.kind === "key" ? credential.key.clientEmail : credential.serviceAccount;
}

/** An auth client whose access tokens carry the cloud-platform scope (for the Cloud Run Admin API). */
export function accessTokenClient(
  credential: GcpCredential,
  endpoints: GoogleEndpoints,
  onToken: (token: string) => void,
): AuthClient {
  if (credential.kind === "key") return keyClient(credential.key, endpoints);
  return federatedClient(credential, endpoints, onToken, true);
}

/**
 * Gets the first access token before any API call, so a refused credential fails with its own
 * explanation instead of inside the API client's retries.
 */
export async function checkAccessToken(auth: AuthClient): Promise<void> {
  try {
    await auth.getAccessToken();
  } catch (error) {
    throw authFailure(error) ?? error;
  }
}

/** An OpenID Connect ID token for `audience` (a Cloud Run service URL), signed by Google. */
export async function fetchIdToken(
  credential: GcpCredential,
  endpoints: GoogleEndpoints,
  audience: string,
  onToken: (token: string) => void,
): Promise<string> {
  if (credential.kind === "key") {
    return keyClient(credential.key, endpoints).fetchIdToken(audience);
  }
  const impersonated = new Impersonated({
    sourceClient: federatedClient(credential, endpoints, onToken, false),
    targetPrincipal: credential.serviceAccount,
    targetScopes: [CLOUD_PLATFORM_SCOPE],
    endpoint: endpoints.iamCredentials,
    transporterOptions: transporterOptions(),
  });
  return impersonated.fetchIdToken(audience, { includeEmail: true });
}

/**
 * The JWT client posts its assertion to Google's token URL, which it has no option to change; a
 * request interceptor on its own transporter sends it to the overriding endpoint instead. The
 * assertion's audience stays Google's token URL, as the token endpoint requires.
 */
function keyClient(key: ServiceAccountKey, endpoints: GoogleEndpoints): JWT {
  const client = new JWT({
    email: key.clientEmail,
    key: key.privateKey,
    keyId: key.privateKeyId,
    // Explicit scopes: without them the client would sign its own JWTs instead of asking for a token.
    scopes: [CLOUD_PLATFORM_SCOPE],
    transporterOptions: transporterOptions(),
  });
  if (endpoints.oauth2TokenUrl !== GOOGLE_OAUTH2_TOKEN_URL) {
    client.transporter.interceptors.request.add({
      resolved: async (options) => {
        if (String(options.url) === GOOGLE_OAUTH2_TOKEN_URL) options.url = new URL(endpoints.oauth2TokenUrl);
        return options;
      },
    });
  }
  return client;
}

/**
 * Workload identity federation: the GitHub OIDC token is exchanged at STS for a federated token,
 * which (with `impersonate`) is exchanged at IAM Credentials for the service account's access token.
 */
function federatedClient(
  credential: Extract<GcpCredential, { kind: "federated" }>,
  endpoints: GoogleEndpoints,
  onToken: (token: string) => void,
  impersonate: boolean,
): IdentityPoolClient {
  const audience = githubTokenAudience(credential.provider);
  const client = new IdentityPoolClient({
    type: "external_account",
    audience: `//iam.googleapis.com/${credential.provider}`,
    subject_token_type: "urn:ietf:params:oauth:token-type:jwt",
    token_url: endpoints.stsTokenUrl,
    ...(impersonate
      ? {
          service_account_impersonation_url: `${endpoints.iamCredentials}/v1/projects/-/serviceAccounts/${credential.serviceAccount}:generateAccessToken`,
        }
      : {}),
    scopes: [CLOUD_PLATFORM_SCOPE],
    transporterOptions: transporterOptions(),
    subject_token_supplier: {
      getSubjectToken: async () => {
        const token = await credential.githubToken(audience);
        onToken(token);
        return token;
      },
    },
  });
  // Its STS exchange runs on a transport of its own that takes no options; it gets the client's (see
  // transporterOptions for why that matters behind a proxy).
  const internals = client as unknown as { stsCredential?: { transporter?: unknown } };
  if (internals.stsCredential && "transporter" in internals.stsCredential) {
    internals.stsCredential.transporter = client.transporter;
  }
  return client;
}
