// R5 auth negatives: a route deployed by gateway-deploy with entra-tenant-id + audiences, called with
// plain fetch through the gateway data plane (which enforces the stored policy with jose against the
// Entra emulator's JWKS). Every token a caller should not get in with is refused with 401; the valid
// one reaches the function (200), which needs the real registry holding the function's image.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { trustCaInProcess } from "../emulators/tls/trust.ts";
import { GATEWAY_AUDIENCE, type GatewayFixture, startGatewayFixture } from "../support/gateway-fixture.ts";
import { executableExists, requireComponent } from "../support/real-components.ts";
import { printFigure } from "./figures.ts";

let gw: GatewayFixture;
let url: string;

before(async () => {
  gw = await startGatewayFixture({ registry: true });
  // fetch in this process verifies the data plane's certificate against the emulators' CA.
  trustCaInProcess(gw.oci.stack.caPem);
  await using job = await gw.preparedJob();
  const deployed = await gw.deploy(job, gw.inputs("r5"));
  url = deployed.outputs.url ?? "";
  assert.ok(url.startsWith("https://"), url);
});
after(async () => {
  await gw?.close();
});

const b64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");
const now = () => Math.floor(Date.now() / 1000);

function mint(
  input: Omit<Parameters<GatewayFixture["oci"]["stack"]["entra"]["mintToken"]>[0], "tenantId"> = {},
) {
  return gw.oci.stack.entra.mintToken({ tenantId: gw.tenantId, resource: GATEWAY_AUDIENCE, ...input });
}

/** The same token with one signature character changed in the middle (end bits may be padding). */
function tampered(token: string): string {
  const [header, payload, signature = ""] = token.split(".");
  const at = Math.floor(signature.length / 2);
  const flipped = signature[at] === "A" ? "B" : "A";
  return `${header}.${payload}.${signature.slice(0, at)}${flipped}${signature.slice(at + 1)}`;
}

/** The valid token's claims under `alg: none` and no signature: the classic downgrade. */
function algNone(token: string): string {
  const payload = token.split(".")[1] ?? "";
  return `${b64url({ alg: "none", typ: "JWT" })}.${payload}.`;
}

type Headers = Record<string, string>;
const bearer = (token: string): Headers => ({ authorization: `Bearer ${token}` });

interface Negative {
  name: string;
  headers: () => Promise<Headers>;
}

const negatives: Negative[] = [
  { name: "no token", headers: async () => ({}) },
  { name: "malformed", headers: async () => bearer("not.a.jwt") },
  { name: "tampered signature", headers: async () => bearer(tampered(await mint())) },
  { name: "alg none", headers: async () => bearer(algNone(await mint())) },
  {
    name: "expired",
    headers: async () =>
      bearer(await mint({ issuedAt: new Date(Date.now() - 3 * 3600_000), lifetimeSeconds: 3600 })),
  },
  // max-clock-skew defaults to 0; an hour ahead is beyond any skew a gateway would tolerate.
  { name: "not yet valid", headers: async () => bearer(await mint({ overrides: { nbf: now() + 3600 } })) },
  {
    name: "wrong audience",
    headers: async () => bearer(await mint({ overrides: { aud: "api://someone-else" } })),
  },
  {
    name: "wrong issuer",
    headers: async () =>
      bearer(
        await mint({ overrides: { iss: "https://sts.windows.net/00000000-0000-0000-0000-000000000000/" } }),
      ),
  },
  { name: "signed by a foreign key", headers: async () => bearer(await mint({ signWith: "foreign" })) },
  {
    name: "token in the wrong header",
    headers: async () => ({ "x-access-token": `Bearer ${await mint()}` }),
  },
  { name: "wrong scheme", headers: async () => ({ authorization: `Token ${await mint()}` }) },
  { name: "no scheme", headers: async () => ({ authorization: await mint() }) },
];

let refused = 0;
let validStatus = "not run";
after(() => {
  printFigure(
    "R5",
    "auth negatives",
    `${refused}/${negatives.length} refused with 401, valid token ${validStatus} (expected 200)`,
  );
});

describe("R5: the gateway refuses every token it should, and lets the valid one through", () => {
  for (const negative of negatives) {
    it(`${negative.name} -> 401`, async () => {
      const answer = await fetch(url, { headers: await negative.headers() });
      await answer.arrayBuffer();
      assert.equal(answer.status, 401, negative.name);
      refused += 1;
    });
  }

  it("the valid token -> 200 from the function", async (t) => {
    const registry = () => executableExists("/usr/bin/docker-registry");
    if (!(await requireComponent(t, "docker-registry", registry))) {
      validStatus = "skipped";
      return;
    }
    const answer = await fetch(url, { headers: bearer(await mint()) });
    validStatus = String(answer.status);
    assert.equal(answer.status, 200);
    assert.deepEqual(await answer.json(), { message: "Hello World" });
  });
});
