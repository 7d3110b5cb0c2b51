import { UserError } from "../errors.ts";
import { keyValueLines } from "../text/key-value-lines.ts";
import { INGRESS_CHOICES, type Ingress } from "./ingress.ts";
import { isMember } from "./invoker-policy.ts";

const PROJECT_ID = /^[a-z][a-z0-9-]{4,28}[a-z0-9]$/;
const REGION = /^[a-z]+-[a-z]+\d+$/;
const SERVICE = /^[a-z](?:[-a-z0-9]{0,47}[a-z0-9])?$/;
const IMAGE =
  /^[a-z0-9][a-z0-9.-]*(?::\d+)?(?:\/[a-z0-9]+(?:[._-]+[a-z0-9]+)*)+(?::[\w][\w.-]{0,127})?(?:@sha256:[a-f0-9]{64})?$/;
const FUNCTION_TARGET = /^[A-Za-z_][A-Za-z0-9_.]*$/;
export const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
// Cloud Run sets these itself and refuses a revision that sets them.
export const RESERVED_ENV = new Set(["PORT", "K_SERVICE", "K_REVISION", "K_CONFIGURATION"]);
const PUBLIC = new Set(["allUsers", "allAuthenticatedUsers"]);

export function checkProject(value: string): string {
  if (!PROJECT_ID.test(value)) {
    throw new UserError(
      `project ${JSON.stringify(value.slice(0, 60))} is not a project ID: use the ID from the console's project picker (6-30 lowercase letters, digits and hyphens), e.g. my-project-123.`,
    );
  }
  return value;
}

export function checkRegion(value: string): string {
  if (!REGION.test(value)) {
    throw new UserError(
      `region ${JSON.stringify(value.slice(0, 60))} is not a Cloud Run region: use one such as asia-northeast1, us-central1 or europe-west1.`,
    );
  }
  return value;
}

export function isServiceName(value: string): boolean {
  return SERVICE.test(value);
}

export function checkServiceName(value: string): string {
  if (!SERVICE.test(value)) {
    throw new UserError(
      `service ${JSON.stringify(value.slice(0, 60))} is not a Cloud Run service name: use lowercase letters, digits and hyphens, starting with a letter, at most 49 characters (e.g. sample-function-1).`,
    );
  }
  return value;
}

export function checkImage(value: string): string {
  if (!IMAGE.test(value)) {
    throw new UserError(
      `image ${JSON.stringify(value.slice(0, 200))} is not an image path: use HOST/PATH:TAG or HOST/PATH@sha256:DIGEST, e.g. asia-northeast1-docker.pkg.dev/PROJECT/REPOSITORY/IMAGE:TAG.`,
    );
  }
  return value;
}

export function checkIngress(value: string): Ingress {
  if (!(INGRESS_CHOICES as readonly string[]).includes(value)) {
    throw new UserError(
      `ingress ${JSON.stringify(value.slice(0, 60))} is not one of ${INGRESS_CHOICES.join(", ")}.`,
    );
  }
  return value as Ingress;
}

export function checkFunctionTarget(value: string): string {
  if (!FUNCTION_TARGET.test(value)) {
    throw new UserError(
      `function ${JSON.stringify(value.slice(0, 60))} is not an entry point name: use the function's name in your source, e.g. hello_http.`,
    );
  }
  return value;
}

/** KEY=VALUE lines (values may hold commas and '='). */
export function parseEnv(text: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const { number, key, value } of keyValueLines(text, { separator: "=", comments: false })) {
    const name = value === undefined ? "" : key;
    if (!ENV_NAME.test(name)) {
      throw new UserError(`env line ${number}: expected KEY=VALUE with KEY made of letters, digits and _.`);
    }
    if (RESERVED_ENV.has(name)) {
      throw new UserError(`env line ${number}: ${name} is set by Cloud Run itself; remove it.`);
    }
    if (name in env) throw new UserError(`env line ${number}: ${name} is set twice; keep one.`);
    env[name] = value ?? "";
  }
  return env;
}

/** Members for roles/run.invoker; public members only with allow-unauthenticated, named as such. */
export function parseInvokers(text: string, allowUnauthenticated: boolean): string[] {
  const members = text
    .split(/[\n,]/)
    .map((item) => item.trim())
    .filter((item) => item !== "");
  for (const member of members) {
    if (PUBLIC.has(member)) {
      if (allowUnauthenticated) continue;
      throw new UserError(
        `invokers lists ${member}, which makes the service public: set allow-unauthenticated: true if that is really wanted, otherwise remove it.`,
      );
    }
    if (!isMember(member)) {
      throw new UserError(
        `invokers: ${JSON.stringify(member.slice(0, 120))} is not an IAM member: use serviceAccount:NAME@PROJECT.iam.gserviceaccount.com, user:EMAIL, group:EMAIL or principalSet://...`,
      );
    }
  }
  return [...new Set(members)];
}
