// The world the root action (the whole pipeline, the harness's ".." action) needs, shared by the
// reliability suites: every emulator, the real registry (when installed) wired into the OCI emulator,
// one application, one gateway, an Entra tenant with a v1 and a v2 API app and a client app that may
// use a secret, a certificate or a GitHub OIDC federated credential, and the example function directory.
import type { TestContext } from "node:test";
import { ACTION_METADATA } from "../../src/cli/action-metadata.ts";
import type { Application } from "../emulators/entra/directory.ts";
import { createSelfSignedCert, type SelfSignedCert } from "../emulators/entra/self-signed-cert.ts";
import { pushImage } from "../emulators/registry/push-image.ts";
import type { StartedRegistry } from "../emulators/registry/start-registry.ts";
import { Job } from "../runner/index.ts";
import { envOf, flagsOf } from "../support/cli-process.ts";
import { type FnDeployFixtureOptions, startFnDeployFixture } from "../support/fn-deploy-fixture.ts";
import { seedGatewayFunctionsPolicy } from "../support/gateway-policy.ts";
import type { OciFixture } from "../support/oci-fixture.ts";
import { requireDockerAndRegistry } from "../support/real-components.ts";

export const PIPELINE = "..";
export const REPOSITORY = "ORG/REPO";
export const API_URI = "api://my-oci-api";
/** The API app that asks Entra for v2 tokens (their aud is the app's client id). */
export const API_V2_URI = "api://my-oci-api-v2";
export const APPLICATION = "apps";

export type Credential = "secret" | "certificate" | "federated";

/** The root action's stages in order: each is a log group, and the CLI prints `── <stage>` for each. */
export const STAGES = [
  "fn-context",
  "preflight",
  "ocir-login",
  "fn-image",
  "fn-deploy",
  "gateway-deploy",
  "entra-token",
  "smoke-test",
];

/**
 * The smoke test's answers for an API that lets the token in and refuses every altered one, with the
 * JWKS the gateway's policy trusts (from the gateway-deploy stage) for the HS256 key confusion.
 */
export const GUARDED_ANSWERS = [
  "with token=200",
  "no-token=401",
  "malformed=401",
  "tampered-signature=401",
  "alg-none=401",
  "hs256-key-confusion=401",
];

/** A smoke test's `results` output as "check=answered" lines. */
export function answersOf(results: string | undefined): string[] {
  const checks = JSON.parse(results ?? "[]") as { check: string; answered: string }[];
  return checks.map((c) => `${c.check}=${c.answered}`);
}

export interface PipelineFixture {
  oci: OciFixture;
  registry: StartedRegistry | undefined;
  /** The OCIR auth token of the registry user. */
  authToken: string;
  clientSecret: string;
  /** The client app's certificate; its private key is a secret the pipeline is given. */
  cert: SelfSignedCert;
  tenantId: string;
  /** The API app behind API_V2_URI. */
  apiV2: Application;
  client: Application;
  gatewayId: string;
  functionDir: string;
  /** Every secret the pipeline is given: none may show in a log, an output or a file left behind. */
  secrets: string[];
  /** Root action inputs for one pipeline; `name` names the function and, by default, the deployment. */
  inputs(credential: Credential, name: string, overrides?: Record<string, string>): Record<string, string>;
  /**
   * An existing function "hello" in the application, for pipelines that skip ocir-login and fn-deploy
   * (no Docker needed): its OCID, the same on every call.
   */
  existingFunction(): string;
  /**
   * A prebuilt function image pushed to `<namespace>/<label>/prebuilt`, as fn-deploy's image input (by
   * digest): for pipelines that deploy without building.
   */
  prebuiltImage(label: string): Promise<string>;
  /** A job whose GitHub OIDC request variables belong to REPOSITORY on main (federated runs need them). */
  job(debug?: boolean): Promise<Job>;
  close(): Promise<void>;
}

/**
 * `dnsNames`: extra names in the emulators' certificate (the proxy suite addresses them by name);
 * `functionActiveDelayMs`: how long functions stay CREATING/UPDATING (the deadline suite: forever);
 * `registryAuth`: see FnDeployFixtureOptions.
 */
export async function startPipelineFixture(
  label: string,
  options: Omit<FnDeployFixtureOptions, "functionFiles" | "now" | "authToken"> = {},
): Promise<PipelineFixture> {
  const clientSecret = `cs~${process.pid}.${label}_secret`;
  const deploy = await startFnDeployFixture(label, options);
  const { oci, registry, authToken, functionDir } = deploy;
  const { state } = oci.stack.oci;
  const applicationId = state.fn.createApplication({
    compartmentId: oci.tenancyId,
    displayName: APPLICATION,
  }).id;
  const gatewayId = state.apigw.createGateway({ compartmentId: oci.tenancyId, displayName: "public" }).id;
  seedGatewayFunctionsPolicy(state, oci.tenancyId);
  const { entra } = oci.stack;
  const tenantId = entra.addTenant();
  const api = entra.addApiApp(tenantId, {
    identifierUris: [API_URI],
    accessTokenAcceptedVersion: 1,
    appRoles: [{ value: "Invoke" }],
  });
  const apiV2 = entra.addApiApp(tenantId, {
    identifierUris: [API_V2_URI],
    accessTokenAcceptedVersion: 2,
    appRoles: [{ value: "Invoke" }],
  });
  const cert = await createSelfSignedCert(`fngate-${label}`);
  const client = entra.addClientApp(tenantId, {
    secrets: [{ value: clientSecret }],
    certificates: [{ pem: cert.certPem }],
    federatedCredentials: [
      { issuer: oci.stack.githubOidc.issuer, subject: `repo:${REPOSITORY}:ref:refs/heads/main` },
    ],
    roleAssignments: [
      { resourceAppId: api.appId, role: "Invoke" },
      { resourceAppId: apiV2.appId, role: "Invoke" },
    ],
  });
  let existing: string | undefined;
  const credentials: Record<Credential, Record<string, string>> = {
    secret: { "client-secret": clientSecret },
    certificate: { "client-certificate": cert.certPem, "client-certificate-key": cert.privateKeyPem },
    federated: { federated: "true" },
  };
  return {
    oci,
    registry,
    authToken,
    clientSecret,
    cert,
    tenantId,
    apiV2,
    client,
    gatewayId,
    functionDir,
    secrets: [authToken, clientSecret, cert.privateKeyPem, oci.key.pkcs8],
    inputs: (credential, name, overrides = {}) => ({
      ...oci.inputs(),
      "compartment-ocid": oci.tenancyId,
      username: "ci-user",
      "auth-token": authToken,
      registry: registry?.host ?? "",
      application: APPLICATION,
      function: name,
      // Relative to the workspace: the job's checkout of functionDir, or the CLI's cwd (functionDir).
      path: ".",
      "gateway-ocid": gatewayId,
      deployment: name,
      "path-prefix": `/${name}`,
      "route-path": "/hello",
      "entra-tenant-id": tenantId,
      "authority-host": entra.host,
      audiences: API_URI,
      "client-id": client.appId,
      scope: `${API_URI}/.default`,
      ...credentials[credential],
      "expect-body": '{"message":"Hello World"}',
      ...overrides,
    }),
    existingFunction: () => {
      existing ??= state.fn.createFunction({
        applicationId,
        displayName: "hello",
        image: `ocir.ap-tokyo-1.oci.oraclecloud.com/${oci.namespace}/fngate/hello:0.0.1`,
        memoryInMBs: 256,
      }).id;
      return existing;
    },
    prebuiltImage: async (label) => {
      if (!registry) throw new Error("a prebuilt image needs the registry");
      const repository = `${oci.namespace}/${label}/prebuilt`;
      const credentials = { url: registry.url, username: `${oci.namespace}/ci-user`, password: authToken };
      const { digest } = await pushImage({ registry: credentials, repository, tag: "1" });
      return `${registry.host}/${repository}@${digest}`;
    },
    job: (debug = false) => {
      const oidc = oci.stack.githubOidc.envFor({ repository: REPOSITORY, ref: "refs/heads/main" });
      return Job.create({
        env: { ...oci.env, ...oidc, GITHUB_SHA: "0123456789abcdef0123456789abcdef01234567" },
        debug,
        checkout: functionDir,
      });
    },
    close: deploy.close,
  };
}

/** Root action inputs as `fngate pipeline` is meant to be called: public ones as flags, secret ones as FNGATE_* variables. */
export function pipelineCliArgs(inputs: Record<string, string>): {
  flags: string[];
  env: Record<string, string>;
} {
  const declared = ACTION_METADATA.pipeline?.inputs ?? [];
  const secretNames = new Set(declared.filter((input) => input.secret).map((input) => input.name));
  const secret = Object.fromEntries(Object.entries(inputs).filter(([name]) => secretNames.has(name)));
  const open = Object.fromEntries(Object.entries(inputs).filter(([name]) => !secretNames.has(name)));
  return { flags: flagsOf(open), env: envOf(secret) };
}

/** The registry and the Docker engine the pipeline's fn-deploy stage needs; skips (or fails under CI) without them. */
export function pipelineComponents(t: TestContext): Promise<boolean> {
  return requireDockerAndRegistry(t);
}
