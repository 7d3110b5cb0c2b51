// One Alibaba account as the fc-deploy tests need it: an AccessKey, a GitHub OIDC provider and a
// deployer role the job assumes, a function role trusting FC that may write to a bucket, a role that
// does not trust FC, an identity without ram:PassRole, and the example container image.
import { join, resolve } from "node:path";
import { Job, type StepResult } from "../../runner/index.ts";
import { type EmulatorStack, startEmulatorStack } from "../stack.ts";
import type { AccessKey, Role } from "./state.ts";

export const REPOSITORY = "ORG/REPO";
export const BUCKET = "fngate-bucket";
export const IMAGE = "registry.cn-hangzhou.aliyuncs.com/fngate/oss-writer:v1";
export const examplesDir = resolve(import.meta.dirname, "../../../examples/alibaba-fc");

export interface AlibabaFixture {
  accessKey: AccessKey;
  noPassRoleKey: AccessKey;
  providerArn: string;
  deployer: Role;
  functionRole: Role;
  untrustedRole: Role;
  /** Environment a job needs: the emulator endpoint and the CA. */
  env: Record<string, string>;
}

export function alibabaFixture(stack: EmulatorStack): AlibabaFixture {
  const state = stack.alibaba.state;
  const provider = state.addOidcProvider("github", stack.githubOidc.issuer, ["sts.aliyuncs.com"]);
  const deployer = state.addRole("github-deployer", {
    services: [],
    oidc: { providerArn: provider.arn, subjects: [`repo:${REPOSITORY}:ref:refs/heads/main`] },
  });
  const functionRole = state.addRole("fc-oss-writer", { services: ["fc.aliyuncs.com"] });
  const untrustedRole = state.addRole("ecs-only", { services: ["ecs.aliyuncs.com"] });
  state.addBucket(BUCKET, [functionRole.arn]);
  state.images.set(IMAGE, { command: [process.execPath, join(examplesDir, "function", "server.mjs")] });
  return {
    accessKey: state.addAccessKey(),
    noPassRoleKey: state.addAccessKey({ user: "no-pass-role", canPassRole: false }),
    providerArn: provider.arn,
    deployer,
    functionRole,
    untrustedRole,
    env: { NODE_EXTRA_CA_CERTS: stack.caFile, FNGATE_ALIBABA_ENDPOINT: stack.alibaba.url },
  };
}

/** How a job runs an action against the fixture's account. */
export interface AlibabaJobOptions {
  /** More environment for the job (HTTPS_PROXY, GITHUB_RUN_ID ...). */
  env?: Record<string, string>;
  /** A job of REPOSITORY on main that may request GitHub OIDC tokens (default false). */
  oidc?: boolean;
  /** The folder the job's workspace is a checkout of (default examplesDir); false: an empty workspace. */
  checkout?: string | false;
  debug?: boolean;
}

/** The fixture on an emulator stack of its own, with a way to run an action against it. */
export interface StartedAlibabaFixture extends AlibabaFixture {
  stack: EmulatorStack;
  /** Runs `action` in a job of its own and disposes of the job. */
  run(action: string, inputs: Record<string, string>, options?: AlibabaJobOptions): Promise<StepResult>;
  /** Runs fc-deploy in region cn-hangzhou (unless `inputs` names another). */
  deploy(inputs: Record<string, string>, options?: AlibabaJobOptions): Promise<StepResult>;
  /** Every secret the account has handed out so far (alibabaSecrets). */
  secrets(): string[];
  close(): Promise<void>;
}

export async function startAlibabaFixture(): Promise<StartedAlibabaFixture> {
  const stack = await startEmulatorStack();
  const fx = alibabaFixture(stack);
  const run = async (action: string, inputs: Record<string, string>, options: AlibabaJobOptions = {}) => {
    const { env = {}, oidc = false, checkout = examplesDir, debug = false } = options;
    const job = await Job.create({
      env: { ...fx.env, ...(oidc ? stack.githubOidc.envFor({ repository: REPOSITORY }) : {}), ...env },
      ...(checkout === false ? {} : { checkout }),
      debug,
    });
    try {
      return await job.run(action, { inputs });
    } finally {
      await job.dispose();
    }
  };
  return {
    ...fx,
    stack,
    run,
    deploy: (inputs, options) => run("fc-deploy", { region: "cn-hangzhou", ...inputs }, options),
    secrets: () => alibabaSecrets(stack),
    close: () => stack.close(),
  };
}

/** Every secret the account handed out: AccessKey secrets, STS secrets and tokens, OIDC tokens seen. */
export function alibabaSecrets(stack: EmulatorStack): string[] {
  const state = stack.alibaba.state;
  const sts = [...state.stsCredentials.values()].flatMap((sts) => [sts.accessKeySecret, sts.securityToken]);
  return [...[...state.accessKeys.values()].map((key) => key.secret), ...sts, ...state.oidcTokensSeen];
}

/**
 * fc-deploy inputs for the example function as a nodejs20 code package, signed in with the fixture's
 * AccessKey: the plain deploy most tests start from, with `extra` inputs on top. code-path is relative
 * to a workspace holding a checkout of examplesDir (Job.create({ checkout: examplesDir })).
 */
export function accessKeyDeployInputs(
  fx: AlibabaFixture,
  name: string,
  extra: Record<string, string> = {},
): Record<string, string> {
  return {
    region: "cn-hangzhou",
    function: name,
    "code-path": "function",
    runtime: "nodejs20",
    handler: "index.handler",
    "access-key-id": fx.accessKey.id,
    "access-key-secret": fx.accessKey.secret,
    ...extra,
  };
}
