// gateway-deploy when other runs write the same deployment: concurrent jobs (Promise.all) and a
// writer slipped in between a run's read and its write (a 412 from the emulator's own if-match
// check, or a 409 from its path-prefix conflict check). Every route written must survive.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { readSpecification } from "./emulators/oci/apigateway-spec.ts";
import type { Job } from "./runner/index.ts";
import { type GatewayFixture, startGatewayFixture } from "./support/gateway-fixture.ts";
import type { OciFixture } from "./support/oci-fixture.ts";

let gw: GatewayFixture;
let oci: OciFixture;
let gatewayId: string;
let fnOther: string;

before(async () => {
  gw = await startGatewayFixture({ registry: false });
  ({ oci, gatewayId, fnOther } = gw);
});
after(async () => {
  await gw?.close();
});

const preparedJob = () => gw.preparedJob();
const deploy = (job: Job, values: Record<string, string>) => gw.deploy(job, values);
const routesOf = (id: string | undefined) => gw.routesOf(id);
const inputs = (deployment: string, overrides: Record<string, string> = {}) =>
  gw.inputs(deployment, overrides);

type Json = Record<string, unknown>;

describe("gateway-deploy under concurrent writers", () => {
  it("two concurrent runs adding different routes leave both in place", async () => {
    const jobs = [await preparedJob(), await preparedJob()];
    try {
      const first = await deploy(jobs[0] as Job, inputs("race", { "route-path": "/base" }));
      const id = first.outputs["deployment-id"];
      await Promise.all(
        ["/x", "/y"].map((path, index) => deploy(jobs[index] as Job, inputs("race", { "route-path": path }))),
      );
      assert.deepEqual(routesOf(id).sort(), ["GET /base -> hello", "GET /x -> hello", "GET /y -> hello"]);
    } finally {
      for (const job of jobs) await job.dispose();
    }
  });

  it("two concurrent runs creating the same deployment end with one deployment holding both routes", async () => {
    const jobs = [await preparedJob(), await preparedJob()];
    try {
      const runs = await Promise.all(
        ["/x", "/y"].map((path, index) =>
          deploy(jobs[index] as Job, inputs("race-create", { "route-path": path })),
        ),
      );
      const [a, b] = runs.map((run) => run.outputs["deployment-id"]);
      assert.equal(a, b, "both runs ended on the same deployment");
      assert.deepEqual(routesOf(a).sort(), ["GET /x -> hello", "GET /y -> hello"]);
    } finally {
      for (const job of jobs) await job.dispose();
    }
  });

  it("a create that loses to another run's create (409) updates the winner's deployment", async () => {
    await using job = await preparedJob();
    const theirs = {
      requestPolicies: {},
      routes: [
        {
          path: "/theirs",
          methods: ["GET"],
          backend: { type: "ORACLE_FUNCTIONS_BACKEND", functionId: fnOther },
        },
      ],
    };
    let winner: string | undefined;
    // The other run's create lands between this run's lookup and its own create.
    const removeWriter = oci.stack.oci.faults.add((target) => {
      if (target.operation !== "CreateDeployment") return undefined;
      removeWriter();
      winner = oci.stack.oci.state.apigw.createDeployment({
        gatewayId,
        compartmentId: oci.tenancyId,
        pathPrefix: "/late",
        displayName: "late",
        specification: structuredClone(theirs),
        spec: readSpecification(theirs),
        freeformTags: undefined,
        definedTags: undefined,
      }).deployment.id;
      return undefined;
    });
    const run = await deploy(job, inputs("late", { "route-path": "/mine" }));
    assert.equal(run.outputs["deployment-id"], winner);
    const creates = oci.stack.oci.requests.filter((e) => e.operation === "CreateDeployment").at(-1);
    assert.equal(creates?.status, 409);
    assert.deepEqual(routesOf(winner), ["GET /theirs -> other", "GET /mine -> hello"]);
  });

  it("an update that loses a race (412) re-reads, merges again and keeps the other writer's route", async () => {
    await using job = await preparedJob();
    const first = await deploy(job, inputs("raced", { "route-path": "/mine" }));
    const id = first.outputs["deployment-id"];
    const record = oci.stack.oci.state.apigw.deployments.get(id ?? "");
    assert.ok(record);
    // Another writer changes the deployment between this run's read and its write: the etag the
    // run sends no longer matches, so the emulator's own if-match check answers 412.
    const removeWriter = oci.stack.oci.faults.add((target) => {
      if (target.operation !== "UpdateDeployment") return undefined;
      removeWriter();
      const routes = record.specification.routes as Json[];
      routes.push({
        path: "/theirs",
        methods: ["GET"],
        backend: { type: "ORACLE_FUNCTIONS_BACKEND", functionId: fnOther },
      });
      return undefined;
    });
    const updatesBefore = oci.stack.oci.requests.filter((e) => e.operation === "UpdateDeployment").length;
    const second = await deploy(job, inputs("raced", { "route-path": "/mine2" }));
    assert.match(second.stdout, /re-read and merged again \(1x\)/);
    const updates = oci.stack.oci.requests
      .filter((e) => e.operation === "UpdateDeployment")
      .slice(updatesBefore);
    assert.deepEqual(
      updates.map((e) => e.status),
      [412, 202],
    );
    assert.deepEqual(routesOf(id), ["GET /mine -> hello", "GET /theirs -> other", "GET /mine2 -> hello"]);
  });
});
