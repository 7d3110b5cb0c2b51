// The decisions behind run labels and teardown, as tables: which run labels every cloud accepts, the
// label a GitHub run gets by default, and which routes leave a deployment when their functions go.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { githubRunLabel } from "../src/github/run-label.ts";
import { withoutRoutesTo } from "../src/oci/gateway/route-removal.ts";
import { carriesRunLabel, checkRunLabel } from "../src/run-label.ts";

describe("run labels", () => {
  it("accepts what Google, OCI and FC all accept, and names the input otherwise", () => {
    for (const ok of ["1234567890-1", "live-42-3", "a", "x_y", "9".repeat(63)])
      assert.equal(checkRunLabel(ok), ok);
    assert.equal(checkRunLabel("  trimmed-1  "), "trimmed-1");
    assert.equal(checkRunLabel(undefined), undefined);
    assert.equal(checkRunLabel("   "), undefined);
    for (const bad of ["Run-1", "run.1", "-leading", "_leading", "a b", "é", "9".repeat(64), "http://x"]) {
      assert.throws(() => checkRunLabel(bad), /^UserError: run-label must be 1-63 lowercase letters/, bad);
    }
  });

  it("defaults to the GitHub run id and attempt, and to nothing outside a run", () => {
    assert.equal(githubRunLabel({ GITHUB_RUN_ID: "987654321", GITHUB_RUN_ATTEMPT: "2" }), "987654321-2");
    assert.equal(githubRunLabel({ GITHUB_RUN_ID: "987654321" }), "987654321-1");
    assert.equal(githubRunLabel({}), undefined);
    assert.equal(githubRunLabel({ GITHUB_RUN_ID: "not-a-number" }), undefined);
  });

  it("matches the exact key and value only", () => {
    assert.equal(carriesRunLabel({ "fngate-run": "1-1" }, "1-1"), true);
    assert.equal(carriesRunLabel({ "fngate-run": "1-10" }, "1-1"), false);
    assert.equal(carriesRunLabel({ "Fngate-Run": "1-1" }, "1-1"), false);
    assert.equal(carriesRunLabel(undefined, "1-1"), false);
    assert.equal(carriesRunLabel(null, "1-1"), false);
  });
});

describe("routes removed with the functions a teardown deletes", () => {
  const fn = (id: string) => ({ type: "ORACLE_FUNCTIONS_BACKEND", functionId: id });
  const dynamic = (...ids: string[]) => ({
    type: "DYNAMIC_ROUTING_BACKEND",
    selectionSource: { type: "SINGLE", selector: "request.headers[v]" },
    routingBackends: ids.map((id, n) => ({
      key: { type: "ANY_OF", values: [`v${n}`], name: `k${n}` },
      backend: id === "http" ? { type: "HTTP_BACKEND", url: "https://x" } : fn(id),
    })),
  });
  const spec = {
    requestPolicies: { authentication: { type: "TOKEN_AUTHENTICATION" } },
    routes: [
      { path: "/ours", methods: ["GET", "POST"], backend: fn("ours") },
      { path: "/theirs", backend: fn("theirs") },
      { path: "/all-ours", methods: ["ANY"], backend: dynamic("ours", "ours-2") },
      { path: "/mixed", backend: dynamic("ours", "theirs") },
      { path: "/mixed-http", backend: dynamic("ours", "http") },
      { path: "/stock", backend: { type: "STOCK_RESPONSE_BACKEND", status: 200 } },
    ],
  };
  const ours = new Set(["ours", "ours-2"]);

  it("removes function and all-ours dynamic routes, keeps the rest and reports the mixed ones", () => {
    const result = withoutRoutesTo(spec, ours);
    assert.deepEqual(result.removed, ["GET,POST /ours", "ANY /all-ours"]);
    assert.deepEqual(result.mixed, ["GET /mixed", "GET /mixed-http"]);
    assert.equal(result.remaining, 4);
    assert.deepEqual(
      (result.specification.routes as { path: string }[]).map((route) => route.path),
      ["/theirs", "/mixed", "/mixed-http", "/stock"],
    );
    assert.deepEqual(result.specification.requestPolicies, spec.requestPolicies, "policies stay");
  });

  it("changes nothing when no route leads to the functions", () => {
    const result = withoutRoutesTo(spec, new Set(["unknown"]));
    assert.equal(result.specification, spec);
    assert.deepEqual(result.removed, []);
  });

  it("says when nothing would remain", () => {
    const only = { routes: [{ path: "/", backend: fn("ours") }] };
    assert.equal(withoutRoutesTo(only, ours).remaining, 0);
    assert.equal(withoutRoutesTo({}, ours).remaining, 0);
  });
});
