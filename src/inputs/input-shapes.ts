/**
 * What kind of text each action input holds, declared once for both adapters (the runner's INPUT_*
 * reader and the CLI's flags, FNGATE_* variables and secret files):
 *
 * - `multiLine`: inputs that may span lines (PEM keys, JSON, KEY=VALUE and YAML lists, "newline or
 *   comma separated" lists, request bodies). Every other input is single-line: a line break or any
 *   other control character in it is refused before anything reads it, because a value with a newline
 *   can smuggle a second line into a file fngate writes (~/.oci/config, docker's stdin, an Fn context).
 * - `urls`: inputs holding URLs, hosts or host/path prefixes (alone or in a list). A user name or
 *   password in them is refused, since fngate would echo it into logs, outputs and files.
 * - `images`: container image references (HOST/PATH:TAG or ...@sha256:DIGEST); the same refusal,
 *   reading `@` after the last path segment as the digest separator it is.
 *
 * Keyed by action folder name ("pipeline" for the root action.yml); test/input-text.test.ts checks
 * that every name here is an input of its action.
 */
export interface InputShapes {
  multiLine: readonly string[];
  urls: readonly string[];
  images: readonly string[];
}

// entra-token's and smoke-test's own, which each pipeline offers as its stages.
const ENTRA_MULTI_LINE = [
  "client-certificate",
  "client-certificate-key",
  "expected-issuer",
  "expected-audience",
];
const ENTRA_URLS = ["scope", "federated-audience", "authority-host", "expected-issuer", "expected-audience"];
const SMOKE_MULTI_LINE = ["body", "headers", "expect-body"];

export const INPUT_SHAPES: Readonly<Record<string, InputShapes>> = {
  "cloud-run-deploy": {
    multiLine: ["env", "invokers", "credentials-json", "secrets", "labels"],
    urls: [],
    images: ["image", "base-image"],
  },
  "cloud-run-pipeline": {
    multiLine: [
      "env",
      "invokers",
      "credentials-json",
      "secrets",
      "labels",
      "invoker-credentials-json",
      ...SMOKE_MULTI_LINE,
    ],
    urls: ["jwks-uri"],
    images: ["image", "base-image"],
  },
  "entra-token": { multiLine: ENTRA_MULTI_LINE, urls: ENTRA_URLS, images: [] },
  "fc-deploy": {
    multiLine: ["env", "invoke", "http-trigger-jwks"],
    urls: ["oidc-audience", "http-trigger-jwks-url"],
    images: ["image"],
  },
  "fc-pipeline": {
    multiLine: ["env", "http-trigger-jwks", ...ENTRA_MULTI_LINE, ...SMOKE_MULTI_LINE],
    urls: ["refused-scope", "oidc-audience", "http-trigger-jwks-url", ...ENTRA_URLS],
    images: ["image"],
  },
  "fn-context": {
    multiLine: ["private-key"],
    urls: ["identity-domain-url", "oidc-audience", "registry", "api-url"],
    images: [],
  },
  "fn-deploy": {
    multiLine: ["config", "invoke"],
    urls: ["registry"],
    images: ["image"],
  },
  "gateway-deploy": {
    multiLine: ["routes", "issuers", "audiences", "required-claims"],
    urls: ["jwks-uri", "authority-host", "issuers", "audiences"],
    images: [],
  },
  "gcp-id-token": {
    multiLine: ["credentials-json"],
    urls: ["audience"],
    images: [],
  },
  "oci-token": {
    multiLine: ["scope"],
    urls: ["scope", "audience"],
    images: [],
  },
  "ocir-login": {
    multiLine: [],
    urls: ["registry"],
    images: [],
  },
  "smoke-test": {
    multiLine: SMOKE_MULTI_LINE,
    urls: ["url", "jwks-uri"],
    images: [],
  },
  preflight: {
    multiLine: ["issuers", "audiences", "credentials-json"],
    urls: ["jwks-uri", "authority-host", "issuers", "audiences", "oidc-audience"],
    images: ["image"],
  },
  // A YAML list of targets spans lines.
  targets: { multiLine: ["targets"], urls: [], images: [] },
  teardown: {
    multiLine: ["credentials-json"],
    urls: ["oidc-audience"],
    images: [],
  },
  // The stages' inputs under the pipeline's names (src/inputs/pipeline-stages.ts renames).
  pipeline: {
    multiLine: [
      "private-key",
      "config",
      "issuers",
      "audiences",
      "required-claims",
      ...ENTRA_MULTI_LINE,
      ...SMOKE_MULTI_LINE,
    ],
    urls: [
      "identity-domain-url",
      "oidc-audience",
      "api-url",
      "registry",
      "image-prefix",
      "jwks-uri",
      "authority-host",
      "issuers",
      "audiences",
      "scope",
      "federated-audience",
      "expected-issuer",
      "expected-audience",
      "url",
    ],
    images: ["image"],
  },
};

/** How one input's text is checked. */
export interface InputShape {
  multiLine: boolean;
  holds: "url" | "image" | "text";
}

/** A value no action declares: the CLI's own flags (--token-file), FNGATE_FEDERATED_TOKEN. */
export const SINGLE_LINE_TEXT: InputShape = { multiLine: false, holds: "text" };

/**
 * The shape of `name` in `action`. Without an action (the value of a fallback variable such as
 * OCI_CLI_KEY_CONTENT, which means the same in every action that reads it) the shape is what any
 * action declares for that name; names no action declares (the CLI's own flags) are single-line text.
 */
export function inputShape(action: string | undefined, name: string): InputShape {
  const declared = action === undefined ? Object.values(INPUT_SHAPES) : [INPUT_SHAPES[action]];
  if (declared[0] === undefined) throw new Error(`no input shapes for action ${action}`);
  const some = (list: keyof InputShapes) => declared.some((shapes) => shapes?.[list].includes(name));
  return { multiLine: some("multiLine"), holds: some("urls") ? "url" : some("images") ? "image" : "text" };
}
