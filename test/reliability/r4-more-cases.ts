// R4's bad input in process, continued: the token, check and cleanup actions, and the pipeline.
import { newOcid } from "../emulators/oci/ocid.ts";
import { encryptedPkcs8 } from "../support/keys.ts";
import {
  EXAMPLE,
  entra,
  GATEWAY,
  key,
  PROFILE,
  pipelineInputs,
  SECRET,
  type Table,
  TENANCY,
} from "./r4-cases.ts";

const smoke = { url: "https://127.0.0.1:9/hello", token: "a.b.c", "negative-checks": "none" };
const ociToken = {
  "credential-ocid": newOcid("credential"),
  "credential-secret": SECRET,
  region: "us-ashburn-1",
  scope: "urn:opc:resource:consumer::all",
  audience: "https://fngate-api.example.oraclecloud.com",
};
const keyPair = { "access-key-id": "LTAI5tR4KeyId0001", "access-key-secret": "r4-secret-0123456789abcdef" };

export const MORE_TABLES: Table[] = [
  [
    "entra-token",
    async () => ({ inputs: await entra() }),
    {
      "client-id not a GUID": [{ "client-id": "my-app" }, /^client-id "my-app" is not a GUID/],
    },
  ],
  [
    "smoke-test",
    () => ({ inputs: smoke }),
    {
      "a token over http://": [
        { url: "http://127.0.0.1:9/x", token: "abc.def.ghi" },
        /^url is http:\/\/: a bearer token must not travel unencrypted/,
      ],
      "not a URL": [{ url: "gateway/hello" }, /^url "gateway\/hello" is not a URL/],
      "a status that is not one": [{ "expect-status": "ok" }, /^expect-status must be HTTP status codes/],
      "a bad status list": [{ "expect-status": "200,ok" }, /^expect-status must be HTTP status codes/],
      "an unknown negative check": [
        { "negative-checks": "no-token, sql-injection" },
        /^negative-checks: unknown check "sql-injection"/,
      ],
      "refused-token check without the token": [
        { "negative-checks": "refused-token" },
        /^negative-checks lists refused-token: set refused-token/,
      ],
      "an Authorization header": [
        { headers: "Authorization: Bearer x" },
        /^headers line 1: set the token input instead/,
      ],
      "an unknown method": [{ method: "FETCH" }, /^method "FETCH" must be one of GET/],
      "a bad regex": [{ "expect-body": "/(unclosed/" }, /^expect-body is not a valid regular expression/],
      "negative wait": [{ wait: "-5" }, /^wait must be a number of seconds from 0 to 3600/],
    },
  ],
  [
    "oci-token",
    () => ({ inputs: ociToken }),
    {
      "a user OCID as credential-ocid": [
        { "credential-ocid": "ocid1.user.oc1..aaaaaaaabbbbbbbb" },
        /^credential-ocid is not a valid OCID|^credential-ocid .*credential/,
      ],
      "no scope": [{ scope: "" }, /^scope is required/],
      "more than 10 scopes": [
        { scope: Array.from({ length: 11 }, (_, i) => `urn:s${i}`).join(" ") },
        /^scope lists 11 scopes; an OAuth 2\.0 credential has at most 10\.$/,
      ],
    },
  ],
  [
    "preflight",
    () => ({ inputs: { cloud: "fc", region: "cn-hangzhou", ...keyPair } }),
    {
      "a cloud preflight does not know": [
        { cloud: "azure" },
        'cloud must be one of oci, cloud-run, fc (the cloud whose deploy is checked); got "azure".',
      ],
      "fc: a region that is not one": [
        { region: "Hangzhou" },
        'region must be an Alibaba Cloud region id such as cn-hangzhou or ap-southeast-1; got "Hangzhou".',
      ],
      "fc: an OCI check": [
        { "gateway-ocid": "ocid1.apigateway.oc1..x" },
        "gateway-ocid is an OCI check: remove it for cloud fc, or set cloud to oci.",
      ],
      "fc: a role that is no RAM role ARN": [
        { role: "fc-role" },
        'role must be a RAM role ARN like acs:ram::<account uid>:role/<role name> (RAM console > Roles > the role > ARN); got "fc-role".',
      ],
      "oci: nothing to check": [
        { cloud: undefined, region: undefined, ...noKey() },
        /^nothing to check: give at least one of compartment-ocid/,
      ],
      "oci: OCI checks without an OCI profile": [
        { cloud: undefined, region: undefined, ...noKey(), "gateway-ocid": GATEWAY },
        /^the OCI checks need an OCI profile: run fn-context first/,
      ],
    },
  ],
  [
    "teardown",
    () => ({ inputs: { cloud: "oci", "run-label": "x", "compartment-ocid": TENANCY }, env: PROFILE }),
    {
      "no run label": [
        { "run-label": undefined },
        /^run-label is required: teardown deletes only what carries fngate-run=<run-label>/,
      ],
      "a run label no cloud accepts": [
        { "run-label": "Run A" },
        /^run-label must be 1-63 lowercase letters, digits, '-' or '_'.*got "Run A"\.$/,
      ],
      "an unknown cloud": [{ cloud: "aws" }, /^cloud must be one of oci, cloud-run, fc/],
      "oci without a compartment": [
        { "compartment-ocid": undefined },
        /^compartment-ocid is required with cloud: oci/,
      ],
      "cloud-run without a run label": [
        { cloud: "cloud-run", "run-label": undefined, project: "my-project-123", region: "asia-northeast1" },
        /^run-label is required: /,
      ],
    },
  ],
  [
    "pipeline",
    async () => ({ inputs: await pipelineInputs(), workspace: EXAMPLE }),
    {
      "unknown skip stage": [{ skip: "fn-context, deploy" }, /^skip: unknown stage "deploy"/],
      "negative memory": [{ memory: "-1" }, /^memory must be a whole number/],
      // Checked before ocir-login and fn-deploy run, so nothing is deployed for a bad gateway input.
      "http:// JWKS (gateway stage)": [
        { "entra-tenant-id": "", "jwks-uri": "http://k.test/", skip: "entra-token, smoke-test" },
        /^jwks-uri must be an https:\/\/ URL/,
      ],
      "encrypted key without passphrase": [
        { "private-key": encryptedPkcs8(key, "pw") },
        /^private-key is encrypted: set private-key-passphrase/,
      ],
    },
  ],
];

function noKey(): Record<string, undefined> {
  return { "access-key-id": undefined, "access-key-secret": undefined };
}
