// The OCI emulator's IAM reads, through the real IdentityClient: GetCompartment for the tenancy (the
// root compartment) and for compartments below it, ListPolicies per compartment with pagination, and
// the same 404 for another tenancy's compartments as for missing ones.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { ociClients, seedApiKeyCaller } from "./emulators/oci/sdk-clients.ts";
import { type EmulatorStack, startEmulatorStack } from "./emulators/stack.ts";

describe("OCI emulator: compartments and policies", () => {
  let stack: EmulatorStack;

  before(async () => {
    stack = await startEmulatorStack();
  });
  after(async () => {
    await stack?.close();
  });

  test("GetCompartment answers for the tenancy and for a compartment two levels down", async () => {
    const { tenancy, me } = seedApiKeyCaller(stack.oci.state, "acme");
    const apps = stack.oci.state.createCompartment({ parentId: tenancy.id, name: "apps" });
    const fns = stack.oci.state.createCompartment({ parentId: apps.id, name: "fns" });
    const { identity } = ociClients(stack.endpoints.oci, me);
    const root = await identity.getCompartment({ compartmentId: tenancy.id });
    assert.equal(root.compartment.name, "acme");
    assert.equal(root.compartment.lifecycleState, "ACTIVE");
    const leaf = await identity.getCompartment({ compartmentId: fns.id });
    assert.deepEqual([leaf.compartment.name, leaf.compartment.compartmentId], ["fns", apps.id]);
    assert.ok(leaf.etag);
    assert.throws(
      () => stack.oci.state.createCompartment({ parentId: tenancy.id, name: "APPS" }),
      /already exists/,
      "names are unique among siblings, whatever the case",
    );
  });

  test("ListPolicies lists one compartment's policies page by page; another tenancy's is a 404", async () => {
    const { tenancy, me } = seedApiKeyCaller(stack.oci.state, "paged");
    const team = stack.oci.state.createCompartment({ parentId: tenancy.id, name: "team" });
    for (let n = 1; n <= 5; n++) {
      stack.oci.state.createPolicy({
        compartmentId: tenancy.id,
        name: `p${n}`,
        statements: [`allow group g${n} to read all-resources in tenancy`],
      });
    }
    stack.oci.state.createPolicy({
      compartmentId: team.id,
      name: "team-only",
      statements: ["allow group t to read all-resources in compartment team"],
    });
    const { identity } = ociClients(stack.endpoints.oci, me);
    const names: string[] = [];
    let page: string | undefined;
    let pages = 0;
    do {
      const response = await identity.listPolicies({
        compartmentId: tenancy.id,
        limit: 2,
        ...(page ? { page } : {}),
      });
      names.push(...response.items.map((policy) => policy.name));
      page = response.opcNextPage || undefined;
      pages++;
    } while (page);
    assert.deepEqual(names, ["p1", "p2", "p3", "p4", "p5"]);
    assert.equal(pages, 3);
    const teamPolicies = await identity.listPolicies({ compartmentId: team.id });
    assert.deepEqual(
      teamPolicies.items.map((policy) => policy.statements),
      [["allow group t to read all-resources in compartment team"]],
    );

    const other = seedApiKeyCaller(stack.oci.state, "other");
    await assert.rejects(
      identity.listPolicies({ compartmentId: other.tenancy.id }),
      (error: { statusCode?: number; serviceCode?: string }) =>
        error.statusCode === 404 && error.serviceCode === "NotAuthorizedOrNotFound",
    );
  });
});
