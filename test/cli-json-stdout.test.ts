// `fngate <command> --json`: stdout is the JSON document and nothing else, on a GitHub runner too. There
// the GitHub OIDC variables are set, and a command that exchanges the job's token must fetch it without
// @actions/core, whose getIDToken writes `::debug::` and `::add-mask::<token>` to stdout. No workflow
// command (`::...`) reaches the CLI's stdout or stderr. Run for every command that gets past its inputs
// here: each that asks for the job's token, and cleanup; the others stop at their inputs, where one
// main writes every refusal (test/cli-usage.test.ts: the refusal is all of stdout).
// Token commands never print a token: `fngate oci-token --token-file` writes it 0600 and the --json
// result carries everything else; the credential secret comes from FNGATE_* only.
import assert from "node:assert/strict";
import { readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { COMMANDS } from "../src/cli/commands/index.ts";
import { identityDomainOf } from "./emulators/oci-identity-domain/store.ts";
import { cliSandbox } from "./support/cli-process.ts";
import { type OciFixture, startOciFixture } from "./support/oci-fixture.ts";
import { secretsFound } from "./support/secret-scan.ts";

const REPOSITORY = "fngate-org/fngate";
const API_URI = "api://fngate-json-api";
const AUDIENCE = "https://fngate-api.example.oraclecloud.com";
const SCOPE = "urn:opc:resource:consumer::all";
const JWT = /eyJ[\w-]{8,}\.eyJ[\w-]{8,}\.[\w-]{8,}/;
let oci: OciFixture;
let entraArgs: string[];

before(async () => {
  oci = await startOciFixture();
  const { entra, githubOidc } = oci.stack;
  const tenantId = entra.addTenant();
  const api = entra.addApiApp(tenantId, {
    identifierUris: [API_URI],
    accessTokenAcceptedVersion: 1,
    appRoles: [{ value: "Invoke" }],
  });
  const client = entra.addClientApp(tenantId, {
    federatedCredentials: [{ issuer: githubOidc.issuer, subject: `repo:${REPOSITORY}:ref:refs/heads/main` }],
    roleAssignments: [{ resourceAppId: api.appId, role: "Invoke" }],
  });
  entraArgs = [
    ...["--tenant-id", tenantId, "--client-id", client.appId, "--scope", `${API_URI}/.default`],
    ...["--authority-host", entra.host, "--federated"],
  ];
});
after(async () => {
  await oci?.close();
});

/** A run of each command whose GitHub-runner path asks for the job's OIDC token. */
function federatedRuns(): Record<string, string[]> {
  const wif = [
    "--workload-identity-provider",
    "projects/123456/locations/global/workloadIdentityPools/github-pool/providers/github-provider",
  ];
  const serviceAccount = ["--service-account", "deployer@fngate-json.iam.gserviceaccount.com"];
  return {
    "entra-token": entraArgs,
    pipeline: [
      ...entraArgs.map((arg) => (arg === "--tenant-id" ? "--entra-tenant-id" : arg)),
      "--skip",
      "fn-context,ocir-login,fn-deploy,gateway-deploy,smoke-test",
    ],
    "fn-context": [
      ...["--auth", "oidc", "--identity-domain-url", oci.stack.endpoints.oci],
      ...["--client-id", "fngate-json", "--tenancy-ocid", oci.tenancyId, "--region", "ap-tokyo-1"],
    ],
    "gcp-id-token": ["--audience", "https://hello.example.test", ...wif, ...serviceAccount],
    "cloud-run-deploy": [
      ...["--project", "fngate-json", "--region", "asia-northeast1", "--service", "hello"],
      ...["--image", "asia-northeast1-docker.pkg.dev/fngate-json/repo/hello:1", ...wif, ...serviceAccount],
    ],
    "fc-deploy": [
      ...["--region", "cn-hangzhou", "--function", "hello"],
      ...["--image", "registry.cn-hangzhou.aliyuncs.com/fngate/hello:1"],
      ...["--role-to-assume", "acs:ram::1234567890123456:role/github-deployer"],
      ...["--oidc-provider-arn", "acs:ram::1234567890123456:oidc-provider/github"],
    ],
  };
}

describe("fngate <command> --json on a GitHub runner", () => {
  const pastInputs = [
    "pipeline",
    "fn-context",
    "entra-token",
    "gcp-id-token",
    "cloud-run-deploy",
    "fc-deploy",
  ];
  for (const command of COMMANDS.filter(({ name }) => [...pastInputs, "cleanup"].includes(name))) {
    it(`${command.name}: stdout is one JSON document, and no workflow command or token is printed`, async () => {
      await using sandbox = await cliSandbox({
        ...oci.env,
        FNGATE_GCP_ENDPOINT: oci.stack.endpoints.gcp,
        FNGATE_ALIBABA_ENDPOINT: oci.stack.endpoints.alibaba,
        GITHUB_ACTIONS: "true",
        ...oci.stack.githubOidc.envFor({ repository: REPOSITORY, ref: "refs/heads/main" }),
      });
      const federated = federatedRuns()[command.name];
      assert.equal(
        federated !== undefined,
        command.name !== "cleanup",
        "a federated run for each but cleanup",
      );
      const asked = oci.stack.githubOidc.requests.length;
      // auth: oidc authenticates the identity domain client (a confidential client only): any secret will do
      // to reach the token request, which is what this test watches.
      const secrets = command.name === "fn-context" ? { FNGATE_CLIENT_SECRET: "fngate-json-secret" } : {};
      const run = await sandbox.run([command.name, ...(federated ?? []), "--json"], secrets);
      const lines = run.stdout.split("\n").filter((line) => line !== "");
      assert.equal(lines.length, 1, `one line on stdout:\n${run.stdout}`);
      const result = JSON.parse(lines[0] ?? "") as { ok: boolean; command: string };
      assert.equal(result.command, command.name);
      assert.ok(!/^::/m.test(run.stdout) && !/^::/m.test(run.stderr), `${run.stdout}\n${run.stderr}`);
      assert.ok(!JWT.test(run.stdout) && !JWT.test(run.stderr), "no token printed");
      if (federated) {
        const requests = oci.stack.githubOidc.requests.slice(asked);
        assert.ok(
          requests.some((request) => request.status === 200),
          `${command.name} fetched the job's OIDC token: ${run.stderr}`,
        );
      }
      if (command.name === "entra-token") assert.equal(result.ok, true, run.stderr);
    });
  }
});

describe("fngate oci-token", () => {
  it("writes the token only to --token-file (0600), prints its claims, and leaks neither token nor secret", async () => {
    const credential = identityDomainOf(oci.stack.oci.state, oci.stack.oci.now).addCredential({
      tenancyId: oci.tenancyId,
      scopes: [{ audience: AUDIENCE, scope: SCOPE }],
    });
    await using sandbox = await cliSandbox(oci.env);
    const tokenFile = join(sandbox.root, "oci-token");
    const args = ["oci-token", "--credential-ocid", credential.id, "--region", "us-ashburn-1"];
    const run = await sandbox.run(
      [...args, "--audience", AUDIENCE, "--scope", SCOPE, "--token-file", tokenFile, "--json"],
      { FNGATE_CREDENTIAL_SECRET: credential.secret },
    );
    assert.equal(run.exitCode, 0, run.stderr);
    const { outputs } = JSON.parse(run.stdout) as { outputs: Record<string, string> };
    assert.equal(outputs["access-token-file"], tokenFile);
    assert.equal(outputs["access-token"], undefined);
    assert.equal(outputs["token-type"], "Bearer");
    assert.equal(outputs.audience, AUDIENCE);
    assert.equal((await stat(tokenFile)).mode & 0o777, 0o600);
    const token = await readFile(tokenFile, "utf8");
    assert.ok(token.length > 20);
    const printed = `${run.stdout}\n${run.stderr}`;
    assert.deepEqual(secretsFound(printed, [token, credential.secret]), []);
  });
});
