// The root action: the whole pipeline in one step, run as the runner runs it (the harness's ".."
// action), against every emulator at once and the real Docker engine and registry: a function from a
// directory to a live API behind Entra token authentication, proven by the smoke test, for v1 and v2
// tokens and for client-secret, certificate and federated credentials.
import assert from "node:assert/strict";
import { cp, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { after, before, describe, it, type TestContext } from "node:test";
import type { Application } from "./emulators/entra/directory.ts";
import { createSelfSignedCert, type SelfSignedCert } from "./emulators/entra/self-signed-cert.ts";
import { isMutating } from "./emulators/oci/request-log.ts";
import { type StartedRegistry, startRegistry } from "./emulators/registry/start-registry.ts";
import { Job } from "./runner/index.ts";
import { seedGatewayFunctionsPolicy } from "./support/gateway-policy.ts";
import { type OciFixture, startOciFixture } from "./support/oci-fixture.ts";
import { dockerEngineRunning, executableExists, requireComponent } from "./support/real-components.ts";
import { secretsFound, visibleOutput } from "./support/secret-scan.ts";

const PIPELINE = "..";
const TOKEN = `ocir-${process.pid}-tok`;
const CLIENT_SECRET = `cs~${process.pid}.secret_value`;
const REPOSITORY = "ORG/REPO";
let oci: OciFixture;
let registry: StartedRegistry | undefined;
let functionDir: string;
let gatewayId: string;
let tenantId: string;
let apiV1: Application;
let apiV2: Application;
let client: Application;
let cert: SelfSignedCert;

before(async () => {
  oci = await startOciFixture();
  const { state } = oci.stack.oci;
  if (await executableExists("/usr/bin/docker-registry")) {
    const user = { username: `${oci.namespace}/ci-user`, password: TOKEN };
    registry = await startRegistry({ users: [user] });
    oci.stack.oci.setRegistry({ url: registry.url, ...user });
  }
  state.createApplication({ compartmentId: oci.tenancyId, displayName: "apps" });
  gatewayId = state.createGateway({ compartmentId: oci.tenancyId, displayName: "public" }).id;
  seedGatewayFunctionsPolicy(state, oci.tenancyId);
  const { entra } = oci.stack;
  tenantId = entra.addTenant();
  apiV1 = entra.addApiApp(tenantId, {
    identifierUris: ["api://my-oci-api"],
    accessTokenAcceptedVersion: 1,
    appRoles: [{ value: "Invoke" }],
  });
  apiV2 = entra.addApiApp(tenantId, {
    identifierUris: ["api://my-oci-api-v2"],
    accessTokenAcceptedVersion: 2,
    appRoles: [{ value: "Invoke" }],
  });
  cert = await createSelfSignedCert("fngate-pipeline");
  client = entra.addClientApp(tenantId, {
    secrets: [{ value: CLIENT_SECRET }],
    certificates: [{ pem: cert.certPem }],
    federatedCredentials: [
      { issuer: oci.stack.githubOidc.issuer, subject: `repo:${REPOSITORY}:ref:refs/heads/main` },
    ],
    roleAssignments: [
      { resourceAppId: apiV1.appId, role: "Invoke" },
      { resourceAppId: apiV2.appId, role: "Invoke" },
    ],
  });
  functionDir = await mkdtemp(join(tmpdir(), "fngate-pipeline-hello-"));
  await cp(resolve(import.meta.dirname, "../examples/hello"), functionDir, { recursive: true });
  // FROM scratch: nothing can be pulled here; the emulator runs the example's code through the FDK.
  await writeFile(join(functionDir, "Dockerfile"), "FROM scratch\nCOPY func.js /function/func.js\n");
});
after(async () => {
  await registry?.close();
  await oci?.close();
  if (functionDir) await rm(functionDir, { recursive: true, force: true });
});

async function realComponents(t: TestContext): Promise<boolean> {
  return (
    (await requireComponent(t, "docker-registry", () => executableExists("/usr/bin/docker-registry"))) &&
    (await requireComponent(t, "the Docker engine", dockerEngineRunning))
  );
}

type Credential = "secret" | "certificate" | "federated";

function pipelineInputs(version: 1 | 2, credential: Credential, name: string): Record<string, string> {
  const credentials: Record<Credential, Record<string, string>> = {
    secret: { "client-secret": CLIENT_SECRET },
    certificate: { "client-certificate": cert.certPem, "client-certificate-key": cert.privateKeyPem },
    federated: { federated: "true" },
  };
  return {
    ...oci.inputs(),
    "compartment-ocid": oci.tenancyId,
    username: "ci-user",
    "auth-token": TOKEN,
    registry: registry?.host ?? "",
    application: "apps",
    function: name,
    path: ".",
    "gateway-ocid": gatewayId,
    deployment: name,
    "path-prefix": `/${name}`,
    "route-path": "/hello",
    "entra-tenant-id": tenantId,
    "authority-host": oci.stack.entra.host,
    audiences: version === 1 ? "api://my-oci-api" : apiV2.appId,
    "client-id": client.appId,
    scope: `${version === 1 ? "api://my-oci-api" : "api://my-oci-api-v2"}/.default`,
    ...credentials[credential],
    "expect-body": '{"message":"Hello World"}',
  };
}

async function pipelineJob(): Promise<Job> {
  const oidc = oci.stack.githubOidc.envFor({ repository: REPOSITORY, ref: "refs/heads/main" });
  return Job.create({
    env: { ...oci.env, ...oidc, GITHUB_SHA: "0123456789abcdef0123456789abcdef01234567" },
    // The caller's repository: the function folder is its root, path ".".
    checkout: functionDir,
  });
}

describe("the whole pipeline in one step", () => {
  const combinations: [1 | 2, Credential][] = [
    [1, "secret"],
    [2, "secret"],
    [1, "certificate"],
    [2, "certificate"],
    [1, "federated"],
    [2, "federated"],
  ];
  for (const [version, credential] of combinations) {
    it(`v${version} tokens, ${credential} credential: live, guarded, proven, cleaned up, nothing leaked`, async (t) => {
      if (!(await realComponents(t))) return;
      const name = `p${version}${credential.slice(0, 4)}`;
      const job = await pipelineJob();
      try {
        const before = await job.snapshot();
        const run = await job.run(PIPELINE, { inputs: pipelineInputs(version, credential, name) });
        assert.equal(run.exitCode, 0, run.stdout + run.stderr);
        assert.equal(run.outputs.passed, "true");
        const checks = JSON.parse(run.outputs.results ?? "[]") as { check: string; answered: string }[];
        assert.deepEqual(
          checks.map((c) => `${c.check}=${c.answered}`),
          [
            "with token=200",
            "no-token=401",
            "malformed=401",
            "tampered-signature=401",
            "alg-none=401",
            // With the JWKS the gateway's policy trusts, from the gateway-deploy stage.
            "hs256-key-confusion=401",
          ],
        );
        assert.ok(run.outputs["function-id"]?.startsWith("ocid1.fnfunc."));
        assert.match(run.outputs.url ?? "", new RegExp(`/${name}/hello$`));
        for (const group of [
          "fn-context",
          "preflight",
          "ocir-login",
          "fn-deploy",
          "gateway-deploy",
          "entra-token",
          "smoke-test",
        ]) {
          assert.ok(run.groups.includes(group), `log group ${group}`);
        }
        const posts = await job.runPosts();
        assert.ok(posts.every((p) => p.exitCode === 0));
        assert.deepEqual(await job.snapshot(), before, "HOME and RUNNER_TEMP are as before the job");
        const everything =
          [run, ...posts].map((r) => visibleOutput(r.stdout) + r.stderr).join("\n") +
          (await job.allWrittenText());
        assert.deepEqual(
          secretsFound(everything, [TOKEN, CLIENT_SECRET, cert.privateKeyPem, oci.key.pkcs8]),
          [],
        );
        for (const mask of run.masks)
          assert.ok(!everything.includes(mask) || mask.length < 8, "a masked value leaked");
      } finally {
        await job.dispose();
      }
    });
  }

  it("the gateway refuses a wrong audience, a wrong issuer, an expired token and a foreign key, and the smoke test reports each", async (t) => {
    if (!(await realComponents(t))) return;
    const job = await pipelineJob();
    try {
      const deployed = await job.run(PIPELINE, { inputs: pipelineInputs(1, "secret", "refusals") });
      assert.equal(deployed.exitCode, 0, deployed.stdout);
      const { entra } = oci.stack;
      const base = { tenantId, resource: "api://my-oci-api", clientAppId: client.appId };
      const good = await entra.mintToken(base);
      const refused: Record<string, string> = {
        "wrong audience": await entra.mintToken({ ...base, overrides: { aud: "api://someone-else" } }),
        "wrong issuer": await entra.mintToken({
          ...base,
          overrides: { iss: "https://sts.windows.net/00000000-0000-0000-0000-000000000000/" },
        }),
        expired: await entra.mintToken({
          ...base,
          issuedAt: new Date(Date.now() - 3 * 3600_000),
          lifetimeSeconds: 3600,
        }),
        "foreign key": await entra.mintToken({ ...base, signWith: "foreign" }),
      };
      for (const [name, token] of Object.entries(refused)) {
        const smoke = await job.run("smoke-test", {
          inputs: {
            url: deployed.outputs.url ?? "",
            token: good,
            "refused-token": token,
            "negative-checks": "refused-token",
          },
        });
        assert.equal(smoke.exitCode, 0, `${name}: ${smoke.stdout}`);
        const results = JSON.parse(smoke.outputs.results ?? "[]") as { check: string; answered: string }[];
        assert.deepEqual(
          results.map((r) => `${r.check}=${r.answered}`),
          ["with token=200", "refused-token=401"],
          name,
        );
      }
      // And a gateway that let one of them in would fail the smoke test: the good token as "refused".
      const wrong = await job.run("smoke-test", {
        inputs: {
          url: deployed.outputs.url ?? "",
          token: good,
          "refused-token": good,
          "negative-checks": "refused-token",
        },
      });
      assert.equal(wrong.exitCode, 1);
      assert.match(
        wrong.annotations.find((a) => a.level === "error")?.message ?? "",
        /refused-token answered 200, expected 401/,
      );
    } finally {
      await job.dispose();
    }
  });

  it("a re-run with nothing changed makes no mutating call and still proves the API", async (t) => {
    if (!(await realComponents(t))) return;
    const job = await pipelineJob();
    try {
      const inputs = pipelineInputs(1, "secret", "rerun");
      const first = await job.run(PIPELINE, { inputs });
      assert.equal(first.exitCode, 0, first.stdout);
      const before = oci.stack.oci.requests.filter(isMutating).length;
      const second = await job.run(PIPELINE, { inputs });
      assert.equal(second.exitCode, 0, second.stdout);
      const mutating = oci.stack.oci.requests.filter(isMutating).length - before;
      assert.equal(mutating, 0, "mutating OCI calls on the re-run");
      assert.match(second.stdout, /already up to date/);
      assert.equal(second.outputs.passed, "true");
    } finally {
      await job.dispose();
    }
  });

  it("a failing smoke test fails the step with the checks named, and the post step still cleans up", async (t) => {
    if (!(await realComponents(t))) return;
    const job = await pipelineJob();
    try {
      const before = await job.snapshot();
      const run = await job.run(PIPELINE, {
        inputs: { ...pipelineInputs(1, "secret", "wrongbody"), "expect-body": "/Goodbye/" },
      });
      assert.equal(run.exitCode, 1);
      const errors = run.annotations.filter((a) => a.level === "error");
      assert.equal(errors.length, 1);
      assert.match(
        errors[0]?.message ?? "",
        /^smoke test failed, 1 of 6 checks: with token answered 200 with another body/,
      );
      await job.runPosts();
      assert.deepEqual(await job.snapshot(), before);
    } finally {
      await job.dispose();
    }
  });

  it("refuses an unknown stage in skip before anything runs", async () => {
    const job = await pipelineJob();
    try {
      const calls = oci.stack.oci.requests.length;
      const run = await job.run(PIPELINE, {
        inputs: { ...pipelineInputs(1, "secret", "skip"), skip: "fn-context, deploy" },
      });
      assert.equal(run.exitCode, 1);
      assert.match(
        run.annotations.find((a) => a.level === "error")?.message ?? "",
        /^skip: unknown stage "deploy"; stages are fn-context, ocir-login/,
      );
      assert.equal(oci.stack.oci.requests.length, calls);
    } finally {
      await job.dispose();
    }
  });
});
