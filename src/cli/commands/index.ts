import type { CliCommand } from "../command.ts";
import { TARGET_FLAGS } from "../fan-out.ts";

/** The CLI never prints a token: a token command writes it to this file, or only checks it. */
function tokenFile(what: string): { name: string; description: string } {
  return {
    name: "token-file",
    description: `Write the ${what} to this file (mode 0600). The CLI never prints a token; without this flag it is only checked.`,
  };
}

/**
 * Every `fngate <command>`, in the order --help lists them. A new step: one file exporting `run` in
 * this folder, and one entry here.
 */
export const COMMANDS: readonly CliCommand[] = [
  {
    name: "pipeline",
    action: "pipeline",
    summary:
      "every stage: fn-context, preflight, ocir-login, fn-deploy, gateway-deploy, entra-token, smoke-test",
    flags: TARGET_FLAGS,
    // A gateway and an application live in one region: each target may name its own.
    targets: {
      settings: ["gateway-ocid", "application", "path-prefix"],
      suffixed: ["deployment", "function"],
      ownHome: true,
    },
    load: async () => (await import("./pipeline.ts")).run,
  },
  {
    name: "preflight",
    action: "preflight",
    summary:
      "read-only checks before a first deploy (credentials, application, gateway, IAM policy, JWKS, issuers), each with its fix",
    load: async () => (await import("./preflight.ts")).run,
  },
  {
    name: "fn-context",
    action: "fn-context",
    summary: "write ~/.oci/config, a 0600 API key and an Fn CLI context, and prove them with one signed call",
    load: async () => (await import("./fn-context.ts")).run,
  },
  {
    name: "ocir-login",
    action: "ocir-login",
    summary: "docker login to OCI Container Registry with an auth token (undo with `fngate cleanup`)",
    load: async () => (await import("./ocir-login.ts")).run,
  },
  {
    name: "fn-deploy",
    action: "fn-deploy",
    summary: "build and push the function image (or take a prebuilt one) and create or update the function",
    load: async () => (await import("./fn-deploy.ts")).run,
  },
  {
    name: "gateway-deploy",
    action: "gateway-deploy",
    summary: "put functions behind an API Gateway deployment that demands a valid token (remote JWKS)",
    load: async () => (await import("./gateway-deploy.ts")).run,
  },
  {
    name: "entra-token",
    action: "entra-token",
    summary: "get an app-only Entra ID access token (secret, certificate or federated) and check its claims",
    flags: [tokenFile("access token")],
    load: async () => (await import("./entra-token.ts")).run,
  },
  {
    name: "smoke-test",
    action: "smoke-test",
    summary: "prove the API answers with the token and refuses without it (and to altered tokens)",
    load: async () => (await import("./smoke-test.ts")).run,
  },
  {
    name: "oci-token",
    action: "oci-token",
    summary:
      "get an OCI OAuth 2.0 access token with a client credential (client credentials grant) for one or more scopes",
    flags: [tokenFile("token")],
    load: async () => (await import("./oci-token.ts")).run,
  },
  {
    name: "cloud-run-deploy",
    action: "cloud-run-deploy",
    summary:
      "create or update a private Cloud Run service from an image; invoker role only for the named members",
    load: async () => (await import("./cloud-run-deploy.ts")).run,
  },
  {
    name: "cloud-run-pipeline",
    action: "cloud-run-pipeline",
    summary:
      "cloud-run-deploy, gcp-id-token and smoke-test in one run: the ID token alongside the deploy, then the smoke test",
    flags: TARGET_FLAGS,
    targets: { settings: ["image"], suffixed: ["service"] },
    load: async () => (await import("./cloud-run-pipeline.ts")).run,
  },
  {
    name: "gcp-id-token",
    action: "gcp-id-token",
    summary:
      "get a Google-signed ID token for an audience (a Cloud Run URL): federation or a service account key",
    flags: [tokenFile("token")],
    load: async () => (await import("./gcp-id-token.ts")).run,
  },
  {
    name: "fc-deploy",
    action: "fc-deploy",
    summary:
      "create or update a Function Compute 3.0 function from an image or code, wait until Active, test-invoke",
    flags: TARGET_FLAGS,
    targets: { settings: ["image", "acr-instance-id"], suffixed: ["function"] },
    load: async () => (await import("./fc-deploy.ts")).run,
  },
  {
    name: "fc-pipeline",
    action: "fc-pipeline",
    summary:
      "fc-deploy (with a JWT-checking HTTP trigger), entra-token and smoke-test in one run: the token alongside the deploy, then the smoke test",
    load: async () => (await import("./fc-pipeline.ts")).run,
  },
  {
    name: "targets",
    action: "targets",
    summary:
      "check a list of targets (regions, optionally named) and print it as a matrix for a CI system's parallel jobs",
    load: async () => (await import("./targets.ts")).run,
  },
  {
    name: "teardown",
    action: "teardown",
    summary:
      "delete what one run created, found by its run label (functions, API deployments or routes, Cloud Run services, FC functions)",
    load: async () => (await import("./teardown.ts")).run,
  },
  {
    name: "cleanup",
    summary: "undo what fn-context and ocir-login changed (key file, ~/.oci, ~/.fn, docker login)",
    load: async () => (await import("./cleanup.ts")).run,
  },
];
