// The Cloud Run tests' shared setup: the emulator stack with one Google project, a workload identity
// provider trusting this repository's GitHub OIDC tokens, a deploying service account (roles/run.admin
// and roles/artifactregistry.writer),
// a calling one, and one with a key but no grants; plus jobs wired to them as a workflow would be.

import { Job, type StepResult } from "../../runner/index.ts";
import { type EmulatorStack, startEmulatorStack } from "../stack.ts";
import type { ServiceAccountKeyFile } from "./server.ts";

export const PROJECT = "my-project-123";
export const REGION = "asia-northeast1";
export const REPOSITORY = "ORG/REPO";
export const IMAGE = "asia-northeast1-docker.pkg.dev/my-project-123/functions/hello-http:1";
export const IMAGE_V2 = "asia-northeast1-docker.pkg.dev/my-project-123/functions/hello-http:2";

export interface CloudRunFixture {
  stack: EmulatorStack;
  provider: string;
  deployer: ServiceAccountKeyFile;
  caller: ServiceAccountKeyFile;
  outsider: ServiceAccountKeyFile;
  /** A job of REPOSITORY allowed to mint GitHub OIDC tokens, pointed at the emulator. */
  job(options?: { repository?: string; idTokenWrite?: boolean }): Promise<Job>;
  deployInputs(service: string, overrides?: Record<string, string>): Record<string, string>;
  mutatingCalls(): number;
  close(): Promise<void>;
}

/** `dnsNames`: extra names for the emulators' certificate (a proxy test addresses them by name). */
export async function startCloudRunFixture(options: { dnsNames?: string[] } = {}): Promise<CloudRunFixture> {
  const stack = await startEmulatorStack(options.dnsNames ? { dnsNames: options.dnsNames } : {});
  const { gcp } = stack;
  gcp.addProject(PROJECT);
  gcp.addImage(IMAGE);
  gcp.addImage(IMAGE_V2);
  const provider = gcp.addProvider({
    project: PROJECT,
    pool: "github-pool",
    provider: "github",
    issuer: stack.githubOidc.issuer,
    attributeCondition: `assertion.repository == '${REPOSITORY}'`,
  });
  const repositoryMembers = `principalSet://iam.googleapis.com/${provider.replace(/\/providers\/[^/]+$/, "")}/attribute.repository/${REPOSITORY}`;
  const deployer = gcp.addServiceAccount(PROJECT, "deployer");
  const caller = gcp.addServiceAccount(PROJECT, "caller");
  const outsider = gcp.addServiceAccount(PROJECT, "outsider");
  gcp.grantRunAdmin(PROJECT, `serviceAccount:${deployer.email}`);
  gcp.grantRegistryWriter(PROJECT, `serviceAccount:${deployer.email}`);
  gcp.allowImpersonation(deployer.email, repositoryMembers);
  gcp.allowImpersonation(caller.email, repositoryMembers);
  return {
    stack,
    provider,
    deployer,
    caller,
    outsider,
    job: (options = {}) =>
      Job.create({
        env: {
          NODE_EXTRA_CA_CERTS: stack.caFile,
          FNGATE_GCP_ENDPOINT: gcp.url,
          ...stack.githubOidc.envFor(
            { repository: options.repository ?? REPOSITORY },
            options.idTokenWrite === false ? { idTokenWrite: false } : {},
          ),
        },
      }),
    deployInputs: (service, overrides = {}) => ({
      project: PROJECT,
      region: REGION,
      service,
      image: IMAGE,
      "workload-identity-provider": provider,
      "service-account": deployer.email,
      invokers: `serviceAccount:${caller.email}`,
      ...overrides,
    }),
    mutatingCalls: () => gcp.state.mutatingCalls().length,
    close: () => stack.close(),
  };
}

export function errorsOf(run: StepResult): string[] {
  return run.annotations.filter((a) => a.level === "error").map((a) => a.message);
}
