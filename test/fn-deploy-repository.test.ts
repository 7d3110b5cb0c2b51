// fn-deploy through the runner harness when the function's OCIR repository already exists in another
// compartment, as `fn deploy` leaves it (in the root compartment): OCI answers the create in the
// chosen compartment with 409 (names are unique across the tenancy), and fn-deploy must find the
// repository in the whole tenancy and push there, warning when it is public. Real Docker engine and
// distribution registry, OCI emulator with a child compartment.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { CompartmentRecord as Compartment } from "./emulators/oci/identity-store.ts";
import { type FnDeployFixture, startFnDeployFixture } from "./support/fn-deploy-fixture.ts";
import type { OciFixture } from "./support/oci-fixture.ts";
import { requireDockerAndRegistry } from "./support/real-components.ts";

const APPLICATION = "team-apps";

let fx: FnDeployFixture;
let oci: OciFixture;
let team: Compartment;

before(async () => {
  fx = await startFnDeployFixture("fn-repository", { authToken: "t0K3n;repo(elsewhere)Zx9" });
  oci = fx.oci;
  team = oci.stack.oci.state.createCompartment({ parentId: oci.tenancyId, name: "team" });
  oci.stack.oci.state.createApplication({ compartmentId: team.id, displayName: APPLICATION });
});
after(async () => {
  await fx?.close();
});

async function deploy(functionName: string) {
  await using job = await fx.preparedJob();
  return await job.run("fn-deploy", {
    inputs: {
      application: APPLICATION,
      "compartment-ocid": team.id,
      function: functionName,
      path: ".",
      registry: `${fx.registry?.host ?? ""}/${oci.namespace}`,
    },
  });
}

const repositoriesNamed = (name: string) =>
  [...oci.stack.oci.state.artifacts.repositories.values()].filter((r) => r.displayName === name);

describe("fn-deploy finds the OCIR repository wherever it is in the tenancy", () => {
  it("a private repository in the root compartment (fn deploy's) is found and pushed to", async (t) => {
    if (!(await requireDockerAndRegistry(t))) return;
    const rootRepository = oci.stack.oci.state.createContainerRepository({
      compartmentId: oci.tenancyId,
      displayName: "made-by-fn",
    });
    const run = await deploy("made-by-fn");
    assert.equal(run.exitCode, 0, run.stdout + run.stderr);
    assert.match(
      run.stdout,
      new RegExp(
        `OCIR repository made-by-fn exists in compartment ${oci.tenancyId} \\(names are unique across the tenancy\\): pushing to it\\.`,
      ),
    );
    assert.deepEqual(
      repositoriesNamed("made-by-fn").map((r) => r.id),
      [rootRepository.id],
      "no second repository",
    );
    assert.equal(run.annotations.filter((a) => a.level === "warning").length, 0, "private: no warning");
    const fn = oci.stack.oci.state.fn.functions.get(run.outputs["function-id"] ?? "");
    assert.equal(fn?.image, `${fx.registry?.host}/${oci.namespace}/made-by-fn:0.0.1`);
    const searches = oci.stack.oci.requests.filter(
      (r) => r.operation === "ListContainerRepositories" && r.target.includes("compartmentIdInSubtree=true"),
    );
    assert.ok(
      searches.some((r) => r.target.includes(`compartmentId=${encodeURIComponent(oci.tenancyId)}`)),
      "searched from the tenancy (root compartment)",
    );
  });

  it("a public repository elsewhere is used, with a warning that says how to make it private", async (t) => {
    if (!(await requireDockerAndRegistry(t))) return;
    const other = oci.stack.oci.state.createCompartment({ parentId: oci.tenancyId, name: "shared" });
    const shared = oci.stack.oci.state.createContainerRepository({
      compartmentId: other.id,
      displayName: "shared-fn",
      isPublic: true,
    });
    const run = await deploy("shared-fn");
    assert.equal(run.exitCode, 0, run.stdout + run.stderr);
    const warnings = run.annotations.filter((a) => a.level === "warning").map((a) => a.message);
    assert.deepEqual(warnings, [
      `OCIR repository shared-fn is public: anyone can pull the function's image without credentials. Make it private (Container Registry > shared-fn > Actions > Change to private, or oci artifacts container repository update --repository-id ${shared.id} --is-public false).`,
    ]);
    assert.equal(repositoriesNamed("shared-fn").length, 1);
  });
});
