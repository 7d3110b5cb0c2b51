// The Google emulator's Cloud Run revisions and traffic (test/emulators/gcp/traffic.ts), called over its
// REST API as a client would: a write that changes only the traffic makes no revision; a named revision
// is made under that name; traffic is refused when it does not add up to 100, names an unknown revision,
// repeats a tag or has a malformed one; each tag gets its own URL in trafficStatuses, which serves its
// revision while the main URL serves the split.
import assert from "node:assert/strict";
import { rm } from "node:fs/promises";
import { after, before, describe, it } from "node:test";
import { IMAGE, IMAGE_V2, PROJECT, REGION } from "./emulators/gcp/fixture.ts";
import { type GcpEmulator, startGcpEmulator } from "./emulators/gcp/server.ts";
import { createTestCa, type TlsMaterial } from "./emulators/tls/test-ca.ts";

// The Google emulator alone: a project and its images, and a bearer token of a principal with
// roles/run.admin on it (no service account key, no federation: these tests are about services).
let tls: TlsMaterial;
let gcp: GcpEmulator;
let token: string;
const SERVICE = `projects/${PROJECT}/locations/${REGION}/services/traffic-fn`;
const REVISION = "TRAFFIC_TARGET_ALLOCATION_TYPE_REVISION";

before(async () => {
  tls = await createTestCa();
  gcp = await startGcpEmulator({ tls });
  gcp.addProject(PROJECT);
  gcp.addImage(IMAGE);
  gcp.addImage(IMAGE_V2);
  const principal = `serviceAccount:deployer@${PROJECT}.iam.gserviceaccount.com`;
  gcp.grantRunAdmin(PROJECT, principal);
  token = gcp.state.issueToken({ principal, memberships: [], kind: "service-account" }, 600, Date.now());
});
after(async () => {
  await gcp?.close();
  if (tls) await rm(tls.dir, { recursive: true, force: true });
});

async function patch(
  body: object,
): Promise<{ status: number; message: string; json: Record<string, unknown> }> {
  const response = await fetch(`${gcp.url}/v2/${SERVICE}?allowMissing=true`, {
    method: "PATCH",
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  const json = (await response.json()) as Record<string, unknown>;
  const message = (json.error as { message?: string } | undefined)?.message ?? "";
  return { status: response.status, message, json };
}

const revisions = () => (gcp.state.services.get(SERVICE)?.revisionList ?? []).map((r) => r.name);
const template = (image: string, revision?: string) => ({
  containers: [{ image }],
  ...(revision ? { revision } : {}),
});

/** A traffic target naming a revision. */
const to = (revision: string, percent: number, tag?: string) => ({
  type: REVISION,
  revision,
  percent,
  ...(tag ? { tag } : {}),
});

describe("Cloud Run revisions and traffic in the emulator", () => {
  it("names revisions as asked, makes none for a traffic-only write, and gives each tag its own URL", async () => {
    assert.equal((await patch({ template: template(IMAGE, "traffic-fn-one") })).status, 200);
    const two = await patch({
      template: template(IMAGE_V2, "traffic-fn-two"),
      traffic: [to("traffic-fn-one", 100), to("traffic-fn-two", 0, "candidate")],
    });
    assert.equal(two.status, 200, two.message);
    assert.deepEqual(revisions(), ["traffic-fn-one", "traffic-fn-two"]);
    const body = gcp.state.services.get(SERVICE)?.body ?? {};
    const uri = String(body.uri);
    const statuses = body.trafficStatuses as { tag?: string; uri?: string }[];
    assert.equal(
      statuses.find((status) => status.tag === "candidate")?.uri,
      uri.replace("/traffic-fn-", "/candidate---traffic-fn-"),
    );

    const moved = await patch({
      template: template(IMAGE_V2, "traffic-fn-two"),
      traffic: [to("traffic-fn-two", 100)],
    });
    assert.equal(moved.status, 200, moved.message);
    assert.deepEqual(
      revisions(),
      ["traffic-fn-one", "traffic-fn-two"],
      "a traffic-only write makes no revision",
    );
  });

  const split = (...traffic: object[]) => ({ template: template(IMAGE_V2), traffic });
  const blue = [to("traffic-fn-one", 50, "blue"), to("traffic-fn-two", 50, "blue")];
  const refusals: [string, object, number, string][] = [
    [
      "percents that do not add up to 100",
      split(to("traffic-fn-one", 90)),
      400,
      "spec.traffic: Traffic percents must add up to 100, got 90.",
    ],
    [
      "an unknown revision",
      split(to("traffic-fn-nine", 100)),
      400,
      "spec.traffic: Revision 'traffic-fn-nine' referenced in traffic not found.",
    ],
    ["a tag used twice", split(...blue), 400, "spec.traffic: Duplicate traffic tag 'blue'."],
    [
      "a malformed tag",
      split(to("traffic-fn-two", 100, "Blue_1")),
      400,
      "spec.traffic: Invalid traffic tag 'Blue_1': must be at least 3 lowercase letters, digits or '-', start with a letter and end with a letter or digit.",
    ],
    [
      "a revision name in use with another template",
      { template: template(IMAGE, "traffic-fn-two") },
      409,
      "Revision named 'traffic-fn-two' with different configuration already exists.",
    ],
    [
      "a revision name outside the service's",
      { template: template(IMAGE, "other-fn-1") },
      400,
      "template.revision: Revision name must be prefixed by the name of the enclosing Service or Configuration (traffic-fn-), and be a DNS label of at most 63 characters: other-fn-1.",
    ],
  ];
  for (const [name, body, status, message] of refusals) {
    it(`refuses ${name}, changing nothing`, async () => {
      const before = structuredClone(gcp.state.services.get(SERVICE)?.body);
      const refused = await patch(body);
      assert.deepEqual([refused.status, refused.message], [status, message]);
      assert.deepEqual(gcp.state.services.get(SERVICE)?.body, before);
    });
  }
});
