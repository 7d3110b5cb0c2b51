// gateway-deploy through the runner harness, in a job that runs fn-context first, against the OCI
// emulator's API Gateway control plane, its data plane (which enforces the stored policy with jose
// against the Entra emulator's JWKS) and, for a call that reaches the function, the real registry.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { readSpecification } from "./emulators/oci/apigateway-spec.ts";
import { isMutating } from "./emulators/oci/request-log.ts";
import { pushImage } from "./emulators/registry/push-image.ts";
import { type StartedRegistry, startRegistry } from "./emulators/registry/start-registry.ts";
import { trustCaInProcess } from "./emulators/tls/trust.ts";
import { Job, type StepResult } from "./runner/index.ts";
import { type OciFixture, startOciFixture } from "./support/oci-fixture.ts";
import { executableExists, requireComponent } from "./support/real-components.ts";

const AUDIENCE = "api://fngate-hello";
const REGISTRY_USER = { username: "fngate-ci", password: `pw-${process.pid}-${Date.now()}` };

let oci: OciFixture;
let registry: StartedRegistry | undefined;
let gatewayId: string;
let tenantId: string;
let fnHello: string;
let fnOther: string;

before(async () => {
  oci = await startOciFixture();
  const { state } = oci.stack.oci;
  trustCaInProcess(oci.stack.caPem);
  const repository = `${oci.namespace}/fngate/hello`;
  if (await executableExists("/usr/bin/docker-registry")) {
    registry = await startRegistry({ users: [REGISTRY_USER] });
    oci.stack.oci.setRegistry({ url: registry.url, ...REGISTRY_USER });
    await pushImage({ registry: { url: registry.url, ...REGISTRY_USER }, repository, tag: "0.0.1" });
  }
  const applicationId = state.createApplication({ compartmentId: oci.tenancyId, displayName: "fngate" }).id;
  const image = `ocir.us-phoenix-1.oci.oraclecloud.com/${repository}:0.0.1`;
  fnHello = state.createFunction({ applicationId, displayName: "hello", image, memoryInMBs: 256 }).id;
  fnOther = state.createFunction({ applicationId, displayName: "other", image, memoryInMBs: 256 }).id;
  gatewayId = state.createGateway({ compartmentId: oci.tenancyId, displayName: "fngate-gw" }).id;
  tenantId = oci.stack.entra.addTenant();
});
after(async () => {
  await registry?.close();
  await oci?.close();
});

/** A job that has run fn-context, as a workflow would. */
async function preparedJob(): Promise<Job> {
  const job = await Job.create({ env: oci.env });
  const context = await job.run("fn-context", { inputs: oci.inputs() });
  assert.equal(context.exitCode, 0, context.stdout);
  return job;
}

function inputs(deployment: string, overrides: Record<string, string> = {}): Record<string, string> {
  return {
    "gateway-ocid": gatewayId,
    "compartment-ocid": oci.tenancyId,
    deployment,
    "path-prefix": `/${deployment}`,
    "function-id": fnHello,
    "entra-tenant-id": tenantId,
    "authority-host": oci.stack.entra.host,
    audiences: AUDIENCE,
    ...overrides,
  };
}

function mutatingCalls(): number {
  return oci.stack.oci.requests.filter(isMutating).length;
}

function errorsOf(run: StepResult): string[] {
  return run.annotations.filter((a) => a.level === "error").map((a) => a.message);
}

type Json = Record<string, unknown>;

function storedSpec(deploymentId: string | undefined): Json {
  const deployment = oci.stack.oci.state.apigw.deployments.get(deploymentId ?? "");
  assert.ok(deployment, `deployment ${deploymentId} exists`);
  return deployment.specification;
}

function routesOf(deploymentId: string | undefined): string[] {
  return (storedSpec(deploymentId).routes as Json[]).map(
    (route) =>
      `${(route.methods as string[]).join(",")} ${String(route.path)} -> ${(route.backend as Json).functionId === fnHello ? "hello" : "other"}`,
  );
}

async function deploy(job: Job, values: Record<string, string>): Promise<StepResult> {
  const run = await job.run("gateway-deploy", { inputs: values });
  assert.equal(run.exitCode, 0, run.stdout + run.stderr);
  return run;
}

describe("gateway-deploy puts a function behind Entra token authentication", () => {
  it("creates the deployment from entra-tenant-id; a token passes, none gets 401; a re-run changes nothing", async (t) => {
    const job = await preparedJob();
    try {
      const first = await deploy(job, inputs("hello"));
      assert.equal(first.outputs.changed, "true");
      const id = first.outputs["deployment-id"];
      const issuers = [
        `https://sts.windows.net/${tenantId}/`,
        `https://login.microsoftonline.com/${tenantId}/v2.0`,
      ];
      assert.deepEqual(first.outputs.issuers?.split("\n"), issuers);
      assert.equal(first.outputs.audiences, AUDIENCE);
      const auth = (storedSpec(id).requestPolicies as Json).authentication as Json;
      assert.equal(auth.type, "TOKEN_AUTHENTICATION");
      const validation = auth.validationPolicy as Json;
      assert.equal(validation.type, "REMOTE_JWKS");
      assert.equal(validation.uri, `${oci.stack.entra.url}/${tenantId}/discovery/v2.0/keys`);
      assert.deepEqual(validation.additionalValidationPolicy, { issuers, audiences: [AUDIENCE] });
      assert.equal(first.outputs.endpoint?.startsWith(oci.stack.gateway.url), true);
      assert.equal(first.outputs.url, `${first.outputs.endpoint}/`);
      assert.match(first.summary, /TOKEN_AUTHENTICATION/);

      const before = mutatingCalls();
      const second = await deploy(job, inputs("hello"));
      assert.equal(second.outputs.changed, "false");
      assert.match(second.stdout, /no change made/);
      assert.equal(mutatingCalls(), before, "a re-run made a mutating OCI call");

      if (!(await requireComponent(t, "docker-registry", () => executableExists("/usr/bin/docker-registry"))))
        return;
      const url = first.outputs.url ?? "";
      assert.equal((await fetch(url)).status, 401);
      for (const version of [1, 2] as const) {
        const token = await oci.stack.entra.mintToken({ tenantId, resource: AUDIENCE, version });
        const answer = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
        assert.equal(answer.status, 200, `v${version} token`);
        assert.deepEqual(await answer.json(), { message: "Hello World" });
      }
      const wrong = await oci.stack.entra.mintToken({ tenantId, resource: "api://another-api", version: 1 });
      assert.equal((await fetch(url, { headers: { authorization: `Bearer ${wrong}` } })).status, 401);
    } finally {
      await job.dispose();
    }
  });

  it("merges routes: others kept, same path and methods replaced, prune removes the rest", async () => {
    const job = await preparedJob();
    try {
      const first = await deploy(job, inputs("merge", { "route-path": "/a" }));
      const id = first.outputs["deployment-id"];
      await deploy(job, inputs("merge", { "route-path": "/b", "route-methods": "GET,POST" }));
      assert.deepEqual(routesOf(id), ["GET /a -> hello", "GET,POST /b -> hello"]);
      const replaced = await deploy(job, inputs("merge", { "route-path": "/a", "function-id": fnOther }));
      assert.equal(replaced.outputs.changed, "true");
      assert.deepEqual(routesOf(id), ["GET /a -> other", "GET,POST /b -> hello"]);
      const routes = `- {path: /c, methods: [PUT], function-id: ${fnOther}}`;
      const { "function-id": _fn, ...rest } = inputs("merge", { prune: "true", routes });
      const pruned = await deploy(job, rest);
      assert.deepEqual(routesOf(id), ["PUT /c -> other"]);
      assert.match(pruned.stdout, /removed GET \/a; GET,POST \/b/);
      assert.equal(pruned.outputs.url, `${pruned.outputs.endpoint}/c`);
    } finally {
      await job.dispose();
    }
  });

  it("keeps an existing JWT_AUTHENTICATION policy when no key source is given, and says when it replaces it", async (t) => {
    const jwt = {
      type: "JWT_AUTHENTICATION",
      tokenHeader: "Authorization",
      tokenAuthScheme: "Bearer",
      issuers: [`https://sts.windows.net/${tenantId}/`],
      audiences: [AUDIENCE],
      publicKeys: { type: "REMOTE_JWKS", uri: `${oci.stack.entra.url}/${tenantId}/discovery/keys` },
    };
    const specification = {
      requestPolicies: { authentication: jwt },
      routes: [
        {
          path: "/old",
          methods: ["GET"],
          backend: { type: "ORACLE_FUNCTIONS_BACKEND", functionId: fnHello },
        },
      ],
    };
    const { deployment } = oci.stack.oci.state.apigw.createDeployment({
      gatewayId,
      compartmentId: oci.tenancyId,
      pathPrefix: "/legacy",
      displayName: "legacy",
      specification: structuredClone(specification),
      spec: readSpecification(specification),
      freeformTags: undefined,
      definedTags: undefined,
    });
    const job = await preparedJob();
    try {
      const noAuth = { "entra-tenant-id": "", audiences: "", "route-path": "/new" };
      const kept = await deploy(job, inputs("legacy", noAuth));
      assert.match(kept.stdout, /Keeping the deployment's JWT_AUTHENTICATION policy/);
      assert.deepEqual((storedSpec(deployment.id).requestPolicies as Json).authentication, jwt);
      assert.deepEqual(routesOf(deployment.id), ["GET /old -> hello", "GET /new -> hello"]);
      assert.equal(kept.outputs.issuers, jwt.issuers[0]);
      assert.equal(kept.outputs.audiences, AUDIENCE);
      if (await executableExists("/usr/bin/docker-registry")) {
        const token = await oci.stack.entra.mintToken({ tenantId, resource: AUDIENCE, version: 1 });
        const answer = await fetch(`${kept.outputs.endpoint}/new`, {
          headers: { authorization: `Bearer ${token}` },
        });
        assert.equal(answer.status, 200);
      } else {
        t.diagnostic("registry absent: the call through the kept JWT policy is not made");
      }

      const replaced = await deploy(job, inputs("legacy", { "route-path": "/new" }));
      assert.match(
        replaced.stdout,
        /Replacing the deployment's JWT_AUTHENTICATION policy with TOKEN_AUTHENTICATION/,
      );
      const auth = (storedSpec(deployment.id).requestPolicies as Json).authentication as Json;
      assert.equal(auth.type, "TOKEN_AUTHENTICATION");
    } finally {
      await job.dispose();
    }
  });

  it("a FAILED work request is reported with its errors", async () => {
    const job = await preparedJob();
    try {
      oci.stack.oci.state.apigw.failNextWorkRequests(1, {
        code: "InvalidBackend",
        message: "function backend unreachable from the gateway subnet",
      });
      const run = await job.run("gateway-deploy", { inputs: inputs("failing") });
      assert.equal(run.exitCode, 1);
      const errors = errorsOf(run);
      assert.equal(errors.length, 1, run.stdout);
      assert.match(
        errors[0] ?? "",
        /work request .* ended FAILED: InvalidBackend: function backend unreachable from the gateway subnet/,
      );
    } finally {
      await job.dispose();
    }
  });
});
