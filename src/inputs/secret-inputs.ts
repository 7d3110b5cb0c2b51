import { PIPELINE_RENAMES, STAGES } from "./pipeline-stages.ts";
import type { InputReader } from "./reader.ts";

/**
 * Which action inputs hold secrets, declared once: the CLI refuses them as flags (argv is visible to
 * every user of the machine and lands in shell history and CI logs) and reads them from FNGATE_<NAME>
 * or a file instead, and `--help` and the README reference mark them. The generated CLI metadata
 * (src/cli/action-metadata.json) carries the mark from here.
 *
 * `notSecret` lists the inputs whose name or description speaks of a secret, key, token, password,
 * passphrase or credential but that hold none (a client ID, an audience, a keyless provider's name, a
 * description naming entra-token). test/action-metadata.test.ts fails when an action.yml has such an
 * input on neither list, so a new input cannot miss its mark; the lists, not the prose, decide.
 *
 * Keyed by action folder name. The root action ("pipeline") offers the stages' inputs under
 * PIPELINE_RENAMES' names and takes their marks from the stages (secretInputs below); its entry here
 * lists only the inputs of its own.
 */
export interface SecretMarks {
  secret: readonly string[];
  notSecret: readonly string[];
}

const CLOUD_RUN_DEPLOY: SecretMarks = {
  secret: ["credentials-json"],
  // env and env-file are shown as any setting is: secret values belong in Secret Manager, and secrets
  // holds only references to them (SECRET:VERSION), never a value.
  notSecret: [
    "path",
    "registry-login",
    "env",
    "env-file",
    "env-update",
    "secrets",
    "runtime-service-account",
    "labels",
    "allow-unauthenticated",
    "workload-identity-provider",
  ],
};

const ENTRA_TOKEN: SecretMarks = {
  secret: ["client-secret", "client-certificate-key"],
  notSecret: [
    "client-id",
    "scope",
    "client-certificate",
    "federated",
    "federated-audience",
    "expected-issuer",
    "expected-audience",
  ],
};

const FC_DEPLOY: SecretMarks = {
  secret: ["access-key-secret", "security-token"],
  notSecret: [
    "role",
    "env",
    "oidc-provider-arn",
    "role-to-assume",
    "oidc-audience",
    "access-key-id",
    "http-trigger",
    "http-trigger-jwks",
    "http-trigger-jwks-url",
    "http-trigger-token-lookup",
    "http-trigger-claim-pass-by",
    "function-checks-claims",
  ],
};

export const SECRET_INPUTS: Readonly<Record<string, SecretMarks>> = {
  "cloud-run-deploy": CLOUD_RUN_DEPLOY,
  "cloud-run-pipeline": {
    secret: [
      ...CLOUD_RUN_DEPLOY.secret,
      "invoker-credentials-json",
      "headers",
      "refused-token",
      "expired-token",
      "github-token",
    ],
    notSecret: [
      ...CLOUD_RUN_DEPLOY.notSecret,
      "environment",
      "invokers",
      "invoker-service-account",
      "invoker-workload-identity-provider",
      "unauthorized-status",
      "jwks-uri",
      "expect-status",
      "expect-body",
      "negative-checks",
      "negative-check-bodies",
    ],
  },
  "entra-token": ENTRA_TOKEN,
  "fc-deploy": FC_DEPLOY,
  // Its stages' inputs (the smoke test's token, URL and refused-token are the pipeline's own doing).
  "fc-pipeline": {
    secret: [...FC_DEPLOY.secret, ...ENTRA_TOKEN.secret, "headers", "expired-token"],
    notSecret: [
      ...FC_DEPLOY.notSecret,
      ...ENTRA_TOKEN.notSecret,
      "refused-scope",
      "unauthorized-status",
      "expect-status",
      "expect-body",
      "negative-checks",
      "negative-check-bodies",
    ],
  },
  "fn-context": {
    secret: ["client-secret", "private-key", "private-key-passphrase"],
    notSecret: [
      "auth",
      "identity-domain-url",
      "client-id",
      "oidc-audience",
      "user-ocid",
      "fingerprint",
      "region",
      "verify",
    ],
  },
  "fn-deploy": {
    // KEY=VALUE function settings: database URLs, API keys. Every value is masked.
    secret: ["config"],
    notSecret: [],
  },
  "gateway-deploy": {
    secret: [],
    notSecret: [
      "jwks-uri",
      "entra-tenant-id",
      "issuers",
      "audiences",
      "required-claims",
      "token-header",
      "token-scheme",
      "allow-anonymous",
    ],
  },
  "gcp-id-token": {
    secret: ["credentials-json"],
    notSecret: ["audience", "token-format", "workload-identity-provider"],
  },
  "oci-token": {
    secret: ["credential-secret"],
    notSecret: ["credential-ocid", "region", "audience"],
  },
  "ocir-login": {
    secret: ["auth-token"],
    notSecret: ["username"],
  },
  preflight: {
    secret: ["token", "credentials-json", "access-key-secret", "security-token"],
    notSecret: [
      "cloud",
      "jwks-uri",
      "entra-tenant-id",
      "issuers",
      "audiences",
      "workload-identity-provider",
      "account-id",
      "oidc-provider-arn",
      "oidc-audience",
      "access-key-id",
    ],
  },
  "smoke-test": {
    // headers: extra request headers often carry an API key; every value is masked.
    secret: ["token", "headers", "refused-token", "expired-token"],
    notSecret: [
      "url",
      "expect-status",
      "expect-body",
      "negative-checks",
      "jwks-uri",
      "negative-check-bodies",
    ],
  },
  targets: { secret: [], notSecret: [] },
  teardown: {
    secret: ["credentials-json", "access-key-secret", "security-token"],
    notSecret: [
      "workload-identity-provider",
      "oidc-provider-arn",
      "role-to-assume",
      "oidc-audience",
      "access-key-id",
    ],
  },
  // Only the pipeline's own inputs; its stage inputs are marked as their stage marks them.
  pipeline: {
    secret: ["github-token"],
    notSecret: ["skip", "preflight", "environment"],
  },
};

/** The secret inputs of `action` (an action folder name, or "pipeline" for the root action.yml). */
export function secretInputs(action: string): ReadonlySet<string> {
  return new Set(withStages(action, "secret"));
}

/** The inputs of `action` declared to hold no secret although their words suggest one. */
export function notSecretInputs(action: string): ReadonlySet<string> {
  const secret = secretInputs(action);
  return new Set(withStages(action, "notSecret").filter((name) => !secret.has(name)));
}

function withStages(action: string, list: keyof SecretMarks): string[] {
  const marks = SECRET_INPUTS[action];
  if (!marks) throw new Error(`src/inputs/secret-inputs.ts declares no secret inputs for action ${action}`);
  if (action !== "pipeline") return [...marks[list]];
  // A name two stages share is secret when either stage's input is.
  return [
    ...marks[list],
    ...STAGES.flatMap((stage) => {
      const renames = PIPELINE_RENAMES[stage];
      return withStages(stage, list).flatMap((name) => {
        const renamed = name in renames ? renames[name] : name;
        return renamed === null || renamed === undefined ? [] : [renamed];
      });
    }),
  ];
}

/** Masks the value of every input `action` declares secret (src/inputs/secret-inputs.ts) that is set. */
export function maskDeclaredSecrets(action: string, read: InputReader): void {
  if (!(action in SECRET_INPUTS)) return;
  for (const name of secretInputs(action)) {
    const value = read.optional(name);
    if (value !== undefined) read.mask(value);
  }
}
