// The preflight action's token checks (remote JWKS, issuers against the OpenID configuration, the
// Entra v1/v2 token version): each check satisfied and unsatisfied with its fix, never changing anything.
// What it refuses as input: test/reliability/r4-bad-input.test.ts. `fngate preflight` on OCI: its rows,
// fix and exit 1 through the CLI in pipeline-preflight.test.ts ("fngate pipeline stops at preflight"),
// the command's --json in preflight-fc-checks and preflight-gcp-checks.test.ts.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { checkEntraVersion, ENTRA_VERSION } from "../src/preflight/entra-version-check.ts";
import { issuerV1, issuerV2 } from "./emulators/entra/access-token.ts";
import { assertUserFailure, Job } from "./runner/index.ts";
import {
  BLOCKED,
  type PreflightWorld,
  rowOf as row,
  startPreflightWorld,
} from "./support/preflight-world.ts";

let world: PreflightWorld;

before(async () => {
  world = await startPreflightWorld();
});
after(async () => {
  await world?.close();
});

describe("preflight: token checks", () => {
  it("a remote JWKS over OCI's limit blocks; an issuer the provider does not advertise blocks; matching, both are ok", async () => {
    const inputs = { "jwks-uri": world.issuer.jwksUri, issuers: world.issuer.url, audiences: "api://mine" };
    await world.issuer.serveKeys(11);
    world.issuer.advertise("https://issuer.example.test/");
    try {
      const { run, rows } = await world.preflight(inputs);
      assertUserFailure(run, BLOCKED);
      const jwks = row(rows, "remote JWKS");
      assert.deepEqual([jwks.status, jwks.blocks], ["missing", true]);
      assert.match(jwks.detail, /: it has 11 keys; OCI accepts at most 10$/);
      assert.match(jwks.fix ?? "", /serve at most 10 keys/);
      const issuers = row(rows, "token issuers");
      assert.deepEqual([issuers.status, issuers.blocks], ["missing", true]);
      assert.match(
        issuers.detail,
        /the provider names itself https:\/\/issuer.example.test\/, but the gateway accepts only https:\/\/127.0.0.1:\d+: every token would be refused/,
      );
      assert.match(issuers.fix ?? "", /^set issuers to https:\/\/issuer.example.test\//);
    } finally {
      await world.issuer.serveKeys(10);
      world.issuer.advertise(world.issuer.url);
    }
    const fine = await world.preflight(inputs);
    assert.equal(fine.run.exitCode, 0, fine.run.stdout);
    assert.deepEqual(
      fine.rows.map((r) => `${r.status} ${r.check}`),
      ["ok OCI credentials sign", "ok remote JWKS", "ok token issuers"],
    );
  });

  it("the Entra v1/v2 choice: judged from a token when there is one, else from the issuers and audiences", async () => {
    // Without a token the choice is the decision checkEntraVersion makes of the issuers and audiences (in
    // process; accepting both is shown below, in the run without an OCI profile).
    const scene = (issuers: string[]) => ({
      tenantId: world.tenantId,
      authorityHost: world.oci.stack.entra.host,
      issuers,
      audiences: ["api://fngate-v1"],
    });
    const unsure = checkEntraVersion(scene([issuerV1(world.tenantId)]));
    assert.equal(unsure.status, "cannot tell");
    assert.match(unsure.detail, /accepts only v1 tokens/);
    assert.match(unsure.fix ?? "", /"accessTokenAcceptedVersion": 1 \(or null\)/);
    const never = checkEntraVersion(scene([issuerV2(world.tenantId)]));
    assert.deepEqual([never.status, never.blocks], ["missing", true]);
    assert.match(
      never.detail,
      /v2 tokens always carry the API app's client id as aud, so no Entra token would pass/,
    );

    const v2Token = await world.oci.stack.entra.mintToken({
      tenantId: world.tenantId,
      resource: "api://fngate-v2",
      clientAppId: world.client.appId,
    });
    const mismatch = await world.preflight(
      world.entraInputs({ issuers: issuerV1(world.tenantId), token: v2Token }),
    );
    assertUserFailure(mismatch.run, BLOCKED, [v2Token]);
    const wrong = row(mismatch.rows, ENTRA_VERSION);
    assert.deepEqual([wrong.status, wrong.blocks], ["missing", true]);
    assert.match(
      wrong.detail,
      /gets a v2 token with iss https:\/\/login.microsoftonline.com\/.*\/v2.0, which the gateway does not accept/,
    );
    assert.match(
      wrong.fix ?? "",
      /set "accessTokenAcceptedVersion": 1 \(or null\) in the API app's manifest/,
    );
  });

  // Nothing to check, and OCI checks without a profile, are refused in test/reliability/r4-bad-input.test.ts.
  it("the token checks need no OCI profile; a gateway taking v1 and v2 issuers and audiences takes either token", async () => {
    await using bare = await Job.create({ env: world.oci.env });
    const tokenOnly = await world.preflight(
      world.entraInputs({ audiences: `api://fngate-v1,${world.apiV2.appId}` }),
      bare,
    );
    assert.equal(tokenOnly.run.exitCode, 0, tokenOnly.run.stdout);
    assert.deepEqual(
      tokenOnly.rows.map((r) => r.check),
      ["remote JWKS", "token issuers", "Entra token version (v1/v2)"],
    );
    const both = row(tokenOnly.rows, ENTRA_VERSION);
    assert.equal(both.status, "ok");
    assert.match(both.detail, /accepts v1 and v2 tokens/);
  });
});
