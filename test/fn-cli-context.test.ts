import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parse } from "yaml";
import { renderContextFile, renderRootConfig } from "../src/oci/functions/fn-cli-context.ts";

const context = {
  name: "ci",
  apiUrl: "https://functions.ap-tokyo-1.oci.oraclecloud.com",
  registry: "ocir.ap-tokyo-1.oci.oraclecloud.com/axnamespace",
  compartmentId: "ocid1.compartment.oc1..aaaaaaaacomp",
  profile: "DEFAULT",
};

describe("Fn CLI context files", () => {
  it("a new context has exactly the keys the Fn CLI's oracle provider reads", () => {
    assert.deepEqual(parse(renderContextFile(undefined, context)), {
      provider: "oracle",
      "api-url": context.apiUrl,
      registry: context.registry,
      "oracle.compartment-id": context.compartmentId,
      "oracle.profile": "DEFAULT",
    });
  });

  it("an existing context keeps keys someone else set and gets ours", () => {
    const existing =
      "provider: default\napi-url: http://localhost:8080\noracle.image-compartment-id: ocid1.compartment.oc1..img\n";
    const written = parse(renderContextFile(existing, context));
    assert.equal(written.provider, "oracle");
    assert.equal(written["api-url"], context.apiUrl);
    assert.equal(written["oracle.image-compartment-id"], "ocid1.compartment.oc1..img");
  });

  it("re-rendering is a fixed point (a re-run writes nothing)", () => {
    const once = renderContextFile(undefined, context);
    assert.equal(renderContextFile(once, context), once);
    const root = renderRootConfig(undefined, "ci");
    assert.equal(renderRootConfig(root, "ci"), root);
  });

  it("config.yaml: a new one is what fn writes, with our context current; an existing one keeps its keys", () => {
    assert.deepEqual(parse(renderRootConfig(undefined, "ci")), {
      "container-enginetype": "docker",
      "current-context": "ci",
    });
    const existing = "cli-version: 0.6.40\ncontainer-enginetype: podman\ncurrent-context: default\n";
    assert.deepEqual(parse(renderRootConfig(existing, "ci")), {
      "cli-version": "0.6.40",
      "container-enginetype": "podman",
      "current-context": "ci",
    });
  });

  it("an unreadable existing file is replaced rather than merged into", () => {
    assert.deepEqual(parse(renderRootConfig("- just\n- a list\n", "ci")), {
      "container-enginetype": "docker",
      "current-context": "ci",
    });
  });
});
