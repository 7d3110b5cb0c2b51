// Dynamic group matching rules as preflight reads them: whether a rule selects an API gateway
// (resource.type, resource.id, resource.compartment.id; instance.* never; tags cannot be told).
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ruleSelectsGateway } from "../src/oci/iam/dynamic-group-rule.ts";

const APPS = `ocid1.compartment.oc1..aaaaaaaa${"a".repeat(52)}`;
const NET = `ocid1.compartment.oc1..aaaaaaaa${"n".repeat(52)}`;
const GATEWAY = `ocid1.apigateway.oc1.phx.aaaaaaaa${"g".repeat(52)}`;

describe("ruleSelectsGateway", () => {
  const gateway = { id: GATEWAY, compartmentId: NET };
  const cases: [string, string, boolean | "unknown"][] = [
    ["Oracle's form", `ALL {resource.type = 'ApiGateway', resource.compartment.id = '${NET}'}`, true],
    [
      "the OCID's type, lower case",
      `all {resource.type='apigateway', resource.compartment.id='${NET}'}`,
      true,
    ],
    ["the gateway itself", `resource.id = '${GATEWAY}'`, true],
    ["any of several rules", `Any {instance.compartment.id = '${NET}', resource.type = 'apigateway'}`, true],
    ["another compartment", `ALL {resource.type = 'ApiGateway', resource.compartment.id = '${APPS}'}`, false],
    ["functions, not gateways", `ALL {resource.type = 'fnfunc', resource.compartment.id = '${NET}'}`, false],
    ["instances only", `instance.compartment.id = '${NET}'`, false],
    ["instances only, !=", `instance.compartment.id != '${APPS}'`, false],
    [
      "a tag fngate cannot see",
      `ALL {resource.type = 'ApiGateway', tag.team.owner.value = 'web'}`,
      "unknown",
    ],
    ["not a rule", "ALL {resource.type = 'ApiGateway'", "unknown"],
  ];
  for (const [name, rule, expected] of cases) {
    it(`${name}: ${String(expected)}`, () => {
      assert.equal(ruleSelectsGateway(rule, gateway), expected);
    });
  }
});
