import { checkAcrInstanceId } from "../alibaba/acr-image.ts";
import type { CredentialInputs } from "../alibaba/credentials.ts";
import { checkRegion } from "../alibaba/endpoints.ts";
import { checkOidcProviderArn, parseRoleArn } from "../alibaba/role-arn.ts";
import { UserError } from "../errors.ts";
import { checkRunLabel } from "../run-label.ts";
import type { FcDeployInputs, FcSource } from "../steps/fc-deploy.ts";
import { keyValueLines } from "../text/key-value-lines.ts";
import { readFcHttpTrigger } from "./fc-http-trigger.ts";
import { readFcRollout } from "./fc-rollout.ts";
import { type InputHost, withDefaultRunLabel } from "./input-host.ts";
import { type InputReader, withDefined } from "./reader.ts";

/** The fc-deploy inputs: secrets are masked first, then every input is checked before any call is made. */
export function readFcDeployInputs(read: InputReader, host: InputHost): FcDeployInputs {
  const accessKeySecret = read.optional("access-key-secret");
  const securityToken = read.optional("security-token");
  if (accessKeySecret) read.mask(accessKeySecret);
  if (securityToken) read.mask(securityToken);

  const roleInput = read.optional("role");
  const inputs: FcDeployInputs = {
    region: read.field("region", () => checkRegion(read.required("region"))),
    functionName: read.field("function", () => functionName(read.required("function"))),
    source: source(read),
    memory: integer(read, "memory", 512, 128, 32768),
    timeout: integer(read, "timeout", 60, 1, 86400),
    env: read.field("env", () => envLines(read.optional("env"))),
    credentials: readFcCredentials(read, host, accessKeySecret, securityToken),
  };
  read.field("memory", () => {
    if (inputs.memory % 64 !== 0)
      throw new UserError(`memory must be a multiple of 64 MB (such as 512); got ${inputs.memory}.`);
  });
  const httpTrigger = readFcHttpTrigger(read);
  const settings = withDefined(inputs, {
    role: read.field("role", () => (roleInput === undefined ? undefined : parseRoleArn("role", roleInput))),
    invoke: read.optional("invoke"),
    accountId: readAccountId(read),
    runLabel: read.field("run-label", () => checkRunLabel(read.optional("run-label"))),
    httpTrigger,
    rollout: readFcRollout(read, read.optional("http-trigger") !== undefined),
  });
  return withDefaultRunLabel(settings, host);
}

// FC 3.0 function names: letters, digits, '_' and '-', starting with a letter or '_', at most 64.
const FUNCTION_NAME = /^[A-Za-z_][A-Za-z0-9_-]{0,63}$/;

function functionName(value: string): string {
  if (!FUNCTION_NAME.test(value)) {
    throw new UserError(
      `function must be 1-64 letters, digits, '_' or '-', starting with a letter or '_'; got ${JSON.stringify(value.slice(0, 80))}.`,
    );
  }
  return value;
}

const RUNTIMES = [
  "nodejs20",
  "nodejs18",
  "nodejs16",
  "python3.12",
  "python3.10",
  "python3.9",
  "java11",
  "java8",
  "php7.2",
  "go1",
  "dotnetcore3.1",
  "custom",
  "custom.debian10",
  "custom.debian11",
  "custom.debian12",
];

// Registry host[:port]/namespace/repository, then :tag or @sha256:digest (an ACR reference).
const IMAGE =
  /^[a-z0-9.-]+(:\d+)?(\/[a-z0-9._-]+)+(:[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}|@sha256:[a-f0-9]{64})$/;

function source(read: InputReader): FcSource {
  const image = read.optional("image");
  const codePath = read.optional("code-path");
  read.field(["image", "code-path"], () => {
    if (image && codePath)
      throw new UserError(
        "image and code-path are exclusive: deploy a container image or a code package, not both.",
      );
  });
  if (image) {
    read.field("image", () => {
      if (!IMAGE.test(image))
        throw new UserError(
          `image must be a full ACR image reference with a tag or digest, such as registry.cn-hangzhou.aliyuncs.com/NAMESPACE/REPO:TAG; got ${JSON.stringify(image.slice(0, 120))}.`,
        );
    });
    for (const name of ["runtime", "handler"]) {
      read.field([name, "image"], () => {
        if (read.optional(name) !== undefined)
          throw new UserError(
            `${name} applies to code-path only: a container image brings its own; remove ${name}.`,
          );
      });
    }
    const acrInstanceId = read.field(["acr-instance-id", "image"], () =>
      checkAcrInstanceId(image, read.optional("acr-instance-id")),
    );
    return {
      kind: "image",
      image,
      port: integer(read, "port", 9000, 1, 65535),
      ...(acrInstanceId ? { acrInstanceId } : {}),
    };
  }
  read.field("acr-instance-id", () => {
    if (read.optional("acr-instance-id") !== undefined)
      throw new UserError(
        "acr-instance-id applies to image only (an ACR Enterprise Edition image): remove it, or deploy an image instead of code-path.",
      );
  });
  read.field(["image", "code-path"], () => {
    if (!codePath)
      throw new UserError(
        "image or code-path is required: set image (an ACR container image) or code-path (a folder to zip) with runtime and handler.",
      );
  });
  // Without code-path (refused above) runtime and handler are not asked for.
  const runtime = read.field(["runtime", "code-path"], () => {
    const value = read.required("runtime");
    if (!RUNTIMES.includes(value))
      throw new UserError(
        `runtime must be a Function Compute 3.0 runtime such as nodejs20, python3.10 or custom.debian10; got ${JSON.stringify(value.slice(0, 40))}.`,
      );
    return value;
  });
  const handler = read.field(["handler", "code-path"], () => {
    const value = read.required("handler");
    if (!/^[A-Za-z0-9_./:-]{1,128}$/.test(value))
      throw new UserError(
        `handler must name the entry point, such as index.handler (file index, export handler); got ${JSON.stringify(value.slice(0, 80))}.`,
      );
    return value;
  });
  return { kind: "code", codePath: codePath as string, runtime, handler };
}

function integer(read: InputReader, name: string, fallback: number, min: number, max: number): number {
  return read.field(name, () => {
    const text = read.optional(name);
    if (text === undefined) return fallback;
    const value = /^\d+$/.test(text) ? Number(text) : Number.NaN;
    if (!Number.isSafeInteger(value) || value < min || value > max)
      throw new UserError(
        `${name} must be a whole number from ${min} to ${max}; got ${JSON.stringify(text.slice(0, 40))}.`,
      );
    return value;
  });
}

/** The account-id input checked (fc-deploy, preflight's cloud fc, teardown's cloud fc). */
export function readAccountId(read: InputReader): string | undefined {
  return read.field("account-id", () => {
    const accountId = read.optional("account-id");
    if (accountId !== undefined && !/^\d{6,20}$/.test(accountId))
      throw new UserError(
        `account-id must be the Alibaba Cloud account UID (digits only); got ${JSON.stringify(accountId.slice(0, 40))}.`,
      );
    return accountId;
  });
}

/** KEY=VALUE lines; blank lines and # comments are skipped. Values are not logged (they may be secrets). */
export function envLines(text: string | undefined): Record<string, string> {
  const variables: Record<string, string> = {};
  for (const line of keyValueLines(text ?? "", { separator: "=", comments: true })) {
    const key = line.value === undefined ? "" : line.key;
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(key)) {
      throw new UserError(
        `env line ${line.number} must be KEY=VALUE with KEY made of letters, digits and '_' (not starting with a digit).`,
      );
    }
    if (key in variables) throw new UserError(`env sets ${key} twice (line ${line.number}): keep one.`);
    variables[key] = (line.value ?? "").trim();
  }
  return variables;
}

export function readFcCredentials(
  read: InputReader,
  host: InputHost,
  accessKeySecret: string | undefined,
  securityToken: string | undefined,
): CredentialInputs {
  const roleToAssume = read.optional("role-to-assume");
  const providerArn = read.optional("oidc-provider-arn");
  const accessKeyId = read.optional("access-key-id");
  if (roleToAssume || providerArn) {
    read.field(["role-to-assume", "access-key-id", "access-key-secret"], () => {
      if (accessKeyId || accessKeySecret)
        throw new UserError(
          "role-to-assume and access-key-id/access-key-secret are exclusive: use GitHub OIDC (preferred, no stored key) or an AccessKey pair.",
        );
    });
    const oidcProviderArn = read.field("oidc-provider-arn", () => {
      if (!providerArn)
        throw new UserError(
          "oidc-provider-arn is required with role-to-assume: the ARN of the RAM OIDC provider for https://token.actions.githubusercontent.com.",
        );
      return checkOidcProviderArn("oidc-provider-arn", providerArn);
    });
    const roleArn = read.field("role-to-assume", () => {
      if (!roleToAssume)
        throw new UserError(
          "role-to-assume is required with oidc-provider-arn: the ARN of the RAM role the GitHub job assumes.",
        );
      return parseRoleArn("role-to-assume", roleToAssume).arn;
    });
    const audience = read.optional("oidc-audience") ?? "sts.aliyuncs.com";
    return {
      kind: "oidc",
      oidcProviderArn,
      roleToAssume: roleArn,
      roleSessionName: read.field("role-session-name", () =>
        sessionName(read.optional("role-session-name") ?? "fngate-fc-deploy"),
      ),
      githubIdToken: () => host.idToken(audience, "role-to-assume", "GitHub OIDC token"),
    };
  }
  read.field(["access-key-id", "access-key-secret"], () => {
    if (!accessKeyId || !accessKeySecret)
      throw new UserError(
        "credentials are required: set role-to-assume + oidc-provider-arn (GitHub OIDC, no stored key; needs `permissions: id-token: write`) or access-key-id + access-key-secret.",
      );
  });
  return withDefined(
    {
      kind: "access-key" as const,
      accessKeyId: accessKeyId as string,
      accessKeySecret: accessKeySecret as string,
    },
    { securityToken },
  );
}

function sessionName(value: string): string {
  if (!/^[A-Za-z0-9._@-]{2,64}$/.test(value))
    throw new UserError(
      `role-session-name must be 2-64 letters, digits, '.', '_', '@' or '-'; got ${JSON.stringify(value.slice(0, 80))}.`,
    );
  return value;
}
