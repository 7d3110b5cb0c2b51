// R4's bad input, as tables run in process (test/support/input-table.ts): for each OCI-path action and the
// pipeline, inputs that pass every check, and the rows that each change them into a refusal. Here the
// deploy path (fn-context, ocir-login, fn-deploy, gateway-deploy) and the inputs all tables share.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { newNamespace, newOcid } from "../emulators/oci/ocid.ts";
import { type InputCase, type RefusalRow, tripwire } from "../support/input-table.ts";
import { encryptedPkcs8, generateTestKey } from "../support/keys.ts";

// fn-deploy's and the pipeline's workspace is a checkout of the function.
export const EXAMPLE = resolve(import.meta.dirname, "../../examples/hello");
export const key = generateTestKey();
export const otherKey = generateTestKey();
export const [TENANCY, USER] = [newOcid("tenancy"), newOcid("user")];
export const GATEWAY = newOcid("apigateway", "ap-tokyo-1");
const FUNCTION = newOcid("fnfunc", "ap-tokyo-1");
const TENANT = "3f1c4c5e-8d2a-4b7e-9a61-0c2d4e6f8a10";
const CLIENT = "9b2d0e7a-1c3f-4a5b-8d6e-7f8091a2b3c4";
export const SECRET = `r4~${process.pid}.client_secret_value`;
const AUDIENCE = "api://fngate-r4";
// What fn-context exports for the steps after it. The file must exist (or there is no profile); no row
// reads it, as the tripwire stops the first call.
const profileDir = mkdtempSync(join(tmpdir(), "fngate-r4-"));
writeFileSync(join(profileDir, "config"), "[DEFAULT]\n", { mode: 0o600 });
process.on("exit", () => rmSync(profileDir, { recursive: true, force: true }));
export const PROFILE = { OCI_CLI_CONFIG_FILE: join(profileDir, "config"), OCI_CLI_PROFILE: "DEFAULT" };

const context = {
  "user-ocid": USER,
  "tenancy-ocid": TENANCY,
  fingerprint: key.fingerprint,
  "private-key": key.pkcs8,
  region: "ap-tokyo-1",
};
const login = {
  namespace: newNamespace(),
  username: "ci-user",
  "auth-token": "t0k",
  registry: "127.0.0.1:5999",
};
const deploy = { application: "apps", "compartment-ocid": TENANCY, path: "." };
export const gateway = {
  "gateway-ocid": GATEWAY,
  "compartment-ocid": TENANCY,
  deployment: "r4",
  "path-prefix": "/r4",
  "function-id": FUNCTION,
  "entra-tenant-id": TENANT,
  audiences: AUDIENCE,
};
/** Entra's address is the tripwire's: every check before the first call. */
export const entra = async () => ({
  "tenant-id": TENANT,
  "client-id": CLIENT,
  scope: `${AUDIENCE}/.default`,
  "client-secret": SECRET,
  "authority-host": (await tripwire()).host,
});
export type Table = [string, () => InputCase | Promise<InputCase>, Record<string, RefusalRow>];

export const DEPLOY_TABLES: Table[] = [
  [
    "fn-context",
    () => ({ inputs: context }),
    {
      "fingerprint that is not one": [{ fingerprint: "SHA256:abc" }, /^fingerprint must be 16 hex pairs/],
      "wrong fingerprint": [
        { fingerprint: otherKey.fingerprint },
        new RegExp(
          `^fingerprint ${otherKey.fingerprint} does not match private-key, whose fingerprint is [0-9a-f:]{47}: .*API keys`,
        ),
      ],
      "encrypted key without passphrase": [
        { "private-key": encryptedPkcs8(key, "pw") },
        /^private-key is encrypted: set private-key-passphrase/,
      ],
      "wrong passphrase": [
        { "private-key": encryptedPkcs8(key, "pw"), "private-key-passphrase": "nope" },
        /^private-key-passphrase does not decrypt private-key/,
      ],
      "garbage key": [{ "private-key": "not a key at all" }, /^private-key is not a PEM private key/],
      "PEM cut short": [
        { "private-key": key.pkcs8.slice(0, 300) },
        /^private-key has a BEGIN line but no matching END/,
      ],
      "PEM missing a line": [
        { "private-key": key.pkcs8.replace(/\n[A-Za-z0-9+/]{64}\n/, "\n") },
        /^private-key could not be read as a/,
      ],
      "public key pasted": [{ "private-key": key.publicPem }, /^private-key is a public key/],
      "malformed user OCID": [{ "user-ocid": "ocid1.user.oc1" }, /^user-ocid is not a valid OCID/],
      "tenancy OCID given as user-ocid": [
        { "user-ocid": TENANCY },
        /^user-ocid must be a user OCID, but .* is a tenancy OCID/,
      ],
      "malformed tenancy OCID": [{ "tenancy-ocid": "my-tenancy" }, /^tenancy-ocid is not a valid OCID/],
      "user OCID given as compartment-ocid": [
        { "compartment-ocid": USER },
        /^compartment-ocid must be a compartment or tenancy OCID/,
      ],
      "user and tenancy from different realms": [
        { "tenancy-ocid": TENANCY.replace(".oc1.", ".oc2.") },
        /^user-ocid is in realm oc1 but tenancy-ocid is in realm oc2/,
      ],
      "unknown region": [{ region: "tokyo" }, /^region "tokyo" is not an OCI region identifier/],
      "region with a typo and the wrong separator": [
        { region: "ap_tokyo_1" },
        /^region "ap_tokyo_1" is not an OCI region identifier.*did you mean ap-tokyo-1\?/,
      ],
      "region in another realm than the tenancy": [
        { region: "us-langley-1" },
        /^region us-langley-1 is in realm oc2 but tenancy-ocid is in realm oc1/,
      ],
      "missing user-ocid": [
        { "user-ocid": "" },
        /^user-ocid is required: set the input \(or the OCI_CLI_USER environment variable\)/,
      ],
      "missing private-key": [{ "private-key": "" }, /^private-key is required/],
      "verify not a boolean": [{ verify: "yes" }, /^verify must be true or false; got "yes"/],
      "api-url over http": [{ "api-url": "http://functions.example" }, /^api-url must use https:\/\//],
      "registry with a scheme": [
        { registry: "https://ocir.ap-tokyo-1.oci.oraclecloud.com/ns" },
        /^registry is a registry path without a scheme/,
      ],
      "profile with a bracket": [{ profile: "CI]" }, /^profile "CI]" must be letters/],
      "context name with a slash": [
        { "context-name": "../evil" },
        /^context-name "..\/evil" must be letters/,
      ],
    },
  ],
  [
    "ocir-login",
    () => ({ inputs: { ...login, region: "ap-tokyo-1" } }),
    {
      "no namespace and no OCI profile": [
        { namespace: "" },
        /^namespace is required when no OCI profile is configured/,
      ],
      "registry with a scheme": [
        { registry: "https://ocir.example.com" },
        /^registry "https:\/\/ocir.example.com" must be a registry host/,
      ],
      "namespace with upper case and spaces": [
        { namespace: "My Tenancy" },
        /^namespace "My Tenancy" is not an Object Storage namespace/,
      ],
      "username with the wrong namespace": [
        { username: "otherns/ci-user" },
        /^username "otherns\/ci-user" contains "\/" but does not start with the tenancy namespace/,
      ],
      "no auth-token and no OCI profile (both ways out named)": [
        { "auth-token": "" },
        /^auth-token is not set and there is no OCI profile to request a registry token with: run fn-context earlier in the job .*, or set auth-token and username/,
      ],
      "auth-token without username": [
        { username: "" },
        /^username is required: the OCI user name .* that owns auth-token/,
      ],
      "logout not a boolean": [{ logout: "maybe" }, /^logout must be true or false/],
      "unknown region": [{ region: "tokio" }, /^region "tokio" is not an OCI region identifier/],
    },
  ],
  [
    "fn-deploy",
    () => ({
      inputs: { ...deploy, registry: `127.0.0.1:5999/${login.namespace}` },
      env: PROFILE,
      workspace: EXAMPLE,
    }),
    {
      "memory out of range": [{ memory: "64" }, /^memory must be a whole number of MB from 128 to 3072/],
      "negative memory": [{ memory: "-256" }, /^memory must be a whole number/],
      "timeout out of range": [
        { timeout: "301" },
        /^timeout must be a whole number of seconds from 5 to 300/,
      ],
      "memory not a number": [{ memory: "1GB" }, /^memory must be a whole number; got "1GB"/],
      // The line itself is not quoted: config values are secrets (the runner would show ***).
      "a config line without =": [
        { config: "JUSTAKEY" },
        /^config line 1: expected KEY=VALUE, got a line without "="\.$/,
      ],
      "a registry with a scheme": [{ registry: "https://ocir.example.com/ns" }, /^registry "https:\/\/ocir/],
      "a malformed image": [{ image: "Hello World" }, /^image "Hello World" is not an image reference/],
      "a non-OCID compartment": [
        { "compartment-ocid": "my-compartment" },
        /^compartment-ocid is not a valid OCID/,
      ],
      "wait not a boolean": [{ wait: "yes" }, /^wait must be true or false/],
      "a run label no cloud accepts": [
        { "run-label": "a".repeat(64) },
        /^run-label must be 1-63 lowercase letters/,
      ],
      "no OCI profile: fn-context first": [
        {},
        /^no OCI profile: run fn-context first/,
        { OCI_CLI_CONFIG_FILE: undefined, OCI_CLI_PROFILE: undefined },
      ],
    },
  ],
  [
    "gateway-deploy",
    () => ({ inputs: gateway, env: PROFILE }),
    {
      "no audiences": [{ audiences: "" }, /^audiences is required/],
      "http:// JWKS": [
        { "entra-tenant-id": "", "jwks-uri": "http://keys.test/jwks" },
        /^jwks-uri must be an https:\/\/ URL/,
      ],
      "bad YAML routes": [
        { "function-id": "", routes: "- path: /a\n  methods: [GET" },
        /^routes is not valid YAML/,
      ],
      "an unknown method": [{ "route-methods": "GET,FETCH" }, /^route-methods: "FETCH" is not a method/],
      "a path without /": [{ "route-path": "hello" }, /^route-path "hello" must start with "\/"/],
      "function OCID as gateway-ocid": [
        { "gateway-ocid": FUNCTION },
        /^gateway-ocid must be an apigateway OCID, but .* is a fnfunc OCID/,
      ],
      "allow-anonymous not a boolean": [
        { "allow-anonymous": "maybe" },
        /^allow-anonymous must be true or false/,
      ],
      "jwks-cache-hours 0": [
        { "jwks-cache-hours": "0" },
        /^jwks-cache-hours must be a whole number from 1 to 24/,
      ],
      "no OCI profile: fn-context first": [
        {},
        /^no OCI profile: run fn-context/,
        { OCI_CLI_CONFIG_FILE: undefined, OCI_CLI_PROFILE: undefined },
      ],
    },
  ],
];

/** Every stage's inputs under the pipeline's names (entra-token's tenant is entra-tenant-id, as gateway's). */
export async function pipelineInputs(): Promise<Record<string, string>> {
  const { "tenant-id": _tenant, ...token } = await entra();
  return { ...context, ...login, ...deploy, ...gateway, ...token, function: "hello" };
}
