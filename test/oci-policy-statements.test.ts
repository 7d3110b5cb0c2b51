// The IAM policy reader behind preflight's gateway → functions check: the statement grammar Oracle
// documents (subjects, verbs and resource types, permissions, locations, where clauses), the
// decision whether one statement lets an API gateway invoke the functions of a compartment, and
// whether a dynamic group's matching rule selects the gateway (resource.type, resource.id,
// resource.compartment.id; instance.* never; tags cannot be told).
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ruleSelectsGateway } from "../src/oci/iam/dynamic-group-rule.ts";
import { gatewayInvokeStatement } from "../src/oci/iam/gateway-invoke-fix.ts";
import {
  type GrantDecision,
  gatewayInvokeGrant,
  type InvokeScene,
} from "../src/oci/iam/gateway-invoke-grant.ts";
import { parseStatement } from "../src/oci/iam/policy-statement.ts";

const TENANCY = `ocid1.tenancy.oc1..aaaaaaaa${"t".repeat(52)}`;
const APPS = `ocid1.compartment.oc1..aaaaaaaa${"a".repeat(52)}`;
const FNS = `ocid1.compartment.oc1..aaaaaaaa${"f".repeat(52)}`;
const NET = `ocid1.compartment.oc1..aaaaaaaa${"n".repeat(52)}`;
const GATEWAY = `ocid1.apigateway.oc1.phx.aaaaaaaa${"g".repeat(52)}`;

/** Functions in acme:apps:fns, the gateway in NET. */
const SCENE: InvokeScene = {
  gateway: { id: GATEWAY, compartmentId: NET },
  functionPath: [
    { id: TENANCY, name: "acme" },
    { id: APPS, name: "apps" },
    { id: FNS, name: "fns" },
  ],
};
const SAME_COMPARTMENT: InvokeScene = { ...SCENE, gateway: { id: GATEWAY, compartmentId: FNS } };
const DOCUMENTED = `ALLOW any-user to use functions-family in compartment apps:fns where ALL {request.principal.type= 'ApiGateway', request.resource.compartment.id = '${NET}'}`;

function decide(statement: string, attachedTo = TENANCY, scene = SCENE): GrantDecision {
  return gatewayInvokeGrant(statement, attachedTo, scene);
}

describe("parseStatement", () => {
  it("reads Oracle's documented forms", () => {
    // Builders for the expected statements: who, what, where, and the where clause's parts.
    const principals = (...list: object[]) => ({ kind: "principals", principals: list });
    const verb = (verb: string, resourceType: string) => ({ verb, resourceType });
    const path = (...names: string[]) => ({ kind: "compartment-path", path: names });
    const compare = (variable: string, operator: string, kind: string, text: string) => ({
      kind: "compare",
      variable,
      operator,
      value: { kind, text },
    });
    const cases: Record<string, unknown> = {
      "Allow group A-Admins, B-Admins to manage all-resources in compartment Projects-A-and-B": {
        subject: principals({ type: "group", name: "A-Admins" }, { type: "group", name: "B-Admins" }),
        access: verb("manage", "all-resources"),
        location: path("Projects-A-and-B"),
      },
      "allow group id ocid1.group.oc1..aaa, id ocid1.group.oc1..bbb to inspect users in tenancy": {
        subject: principals(
          { type: "group", id: "ocid1.group.oc1..aaa" },
          { type: "group", id: "ocid1.group.oc1..bbb" },
        ),
        access: verb("inspect", "users"),
        location: { kind: "tenancy" },
      },
      "Allow dynamic-group 'Default'/'api gateways' to {FN_INVOCATION, fn_function_read} in compartment id ocid1.compartment.oc1..x":
        {
          subject: principals({ type: "dynamic-group", domain: "Default", name: "api gateways" }),
          access: { permissions: ["FN_INVOCATION", "FN_FUNCTION_READ"] },
          location: { kind: "compartment-id", id: "ocid1.compartment.oc1..x" },
        },
      "ALLOW ANY-USER TO USE FUNCTIONS-FAMILY IN COMPARTMENT Project-A:Project-A2\n  WHERE any {request.principal.type='ApiGateway', all {target.compartment.name = /proj*/, request.principal.id != 'x'}}":
        {
          subject: { kind: "any-user" },
          access: verb("use", "functions-family"),
          location: path("Project-A", "Project-A2"),
          condition: {
            kind: "any",
            of: [
              compare("request.principal.type", "=", "text", "ApiGateway"),
              {
                kind: "all",
                of: [
                  compare("target.compartment.name", "=", "pattern", "proj*"),
                  compare("request.principal.id", "!=", "text", "x"),
                ],
              },
            ],
          },
        },
    };
    for (const [text, expected] of Object.entries(cases)) {
      const parsed = parseStatement(text);
      assert.ok(parsed.ok, `${text}: ${parsed.ok ? "" : parsed.reason}`);
      assert.deepEqual(parsed.statement, expected, text);
    }
  });

  it("names what is wrong with what it cannot read", () => {
    const cases: [string, RegExp][] = [
      ["Endorse group X to manage objects in tenancy foo", /not an Allow statement/],
      ["Allow any-user use functions-family in tenancy", /expected `to`/],
      ["Allow nobody to use functions-family in tenancy", /unknown subject "nobody"/],
      ["Allow any-user to use functions-family", /expected `in <location>`/],
      ["Allow any-user to use functions-family in region x", /expected tenancy or compartment/],
      ["Allow any-user to use functions-family in tenancy where request.principal.type", /expected = or !=/],
      ["Allow any-user to use functions-family in tenancy where all {a = 'b' c = 'd'}", /expected , or }/],
      ["Allow any-user to use functions-family in tenancy where a = 'b", /unterminated quote/],
      ["Allow any-user to use functions-family in tenancy and more", /unexpected "and"/],
    ];
    for (const [text, reason] of cases) {
      const parsed = parseStatement(text);
      assert.equal(parsed.ok, false, text);
      assert.match(parsed.ok ? "" : parsed.reason, reason, text);
    }
  });
});

describe("gatewayInvokeGrant", () => {
  // Oracle's statement with `from` replaced by `to`.
  const doc = (from: string | RegExp, to: string) => DOCUMENTED.replace(from, to);
  const anyUser = "allow any-user to use functions-family in";
  const grants: Record<string, [string, string?, InvokeScene?]> = {
    "Oracle's statement, attached to the tenancy": [DOCUMENTED],
    "one line per word, odd case": [doc(/ /g, "\n  ").replace("ALLOW", "aLLow")],
    "attached to apps, naming its child": [doc("apps:fns", "fns"), APPS],
    "attached to fns, naming... by OCID": [doc("compartment apps:fns", `compartment id ${FNS}`), FNS],
    "a parent compartment covers its children": [doc("apps:fns", "apps")],
    "the whole tenancy": [doc("compartment apps:fns", "tenancy")],
    manage: [doc("to use", "to manage")],
    "fn-invocation": [doc("functions-family", "fn-invocation")],
    "all-resources": [doc("functions-family", "all-resources")],
    "the permission itself": [doc("use functions-family", "{FN_INVOCATION}")],
    "any-group": [doc("any-user", "any-group")],
    "no condition": [`${anyUser} compartment apps:fns`],
    "principal type only, lower case": [
      `${anyUser} compartment apps:fns where request.principal.type = 'apigateway'`,
    ],
    "any {...}": [
      `${anyUser} compartment apps where any {request.principal.type = 'Instance', request.principal.type = 'ApiGateway'}`,
    ],
    "a pattern": [`${anyUser} compartment apps where request.principal.type = /api*/`],
    "!= something else": [`${anyUser} tenancy where request.principal.compartment.id != '${APPS}'`],
    "the gateway by OCID": [`${anyUser} tenancy where request.principal.id = '${GATEWAY}'`],
    "same compartment for both, named by the functions' OCID": [doc(NET, FNS), TENANCY, SAME_COMPARTMENT],
  };
  for (const [name, [statement, attachedTo, scene]] of Object.entries(grants)) {
    it(`grants: ${name}`, () => {
      const decision = decide(statement, attachedTo, scene);
      assert.deepEqual(decision.verdict, true, decision.why);
    });
  }

  const refusals: Record<string, [string, RegExp, string?]> = {
    "a user group": [
      "allow group deployers to manage functions-family in tenancy",
      /not any-user or a dynamic group/,
    ],
    "read only": [doc("to use", "to read"), /read does not allow invoking/],
    "fn-function only": [
      doc("functions-family", "fn-function"),
      /fn-function does not include fn-invocation/,
    ],
    "another permission": [doc("use functions-family", "{FN_FUNCTION_READ}"), /do not include FN_INVOCATION/],
    "a sibling compartment": [doc("apps:fns", "apps:other"), /does not include compartment acme:apps:fns/],
    "a path from the wrong place": [DOCUMENTED, /does not include/, APPS],
    "a policy of another branch": [doc("apps:fns", "fns"), /does not include/, NET],
    "`in tenancy` from a compartment policy": [
      doc("compartment apps:fns", "tenancy"),
      /does not include/,
      APPS,
    ],
    "another compartment OCID": [doc("compartment apps:fns", `compartment id ${NET}`), /does not include/],
    "another principal type": [doc("'ApiGateway'", "'fnfunc'"), /excludes the gateway's call/],
    "another gateway compartment": [doc(NET, APPS), /excludes the gateway's call/],
    "!= ApiGateway": [`${anyUser} tenancy where request.principal.type != 'ApiGateway'`, /excludes/],
    "not a statement": ["Define tenancy Acme as ocid1.tenancy.oc1..x", /not an Allow statement/],
  };
  for (const [name, [statement, why, attachedTo]] of Object.entries(refusals)) {
    it(`does not grant: ${name}`, () => {
      const decision = decide(statement, attachedTo);
      assert.equal(decision.verdict, false, decision.why);
      assert.match(decision.why, why);
    });
  }

  const unsure: Record<string, [string, RegExp]> = {
    "a dynamic group whose rule cannot be read": [
      "allow dynamic-group apigw to use functions-family in compartment apps:fns",
      /dynamic group apigw holds the gateway .*resource.type = 'ApiGateway'/,
    ],
    "a variable fngate cannot see": [
      `${anyUser} tenancy where request.operation = 'InvokeFunction'`,
      /where clause holds/,
    ],
    "the functions' compartment where Oracle names the gateway's": [doc(NET, FNS), /where clause holds/],
  };
  for (const [name, [statement, why]] of Object.entries(unsure)) {
    it(`cannot tell: ${name}`, () => {
      const decision = decide(statement);
      assert.equal(decision.verdict, "unknown", decision.why);
      assert.match(decision.why, why);
    });
  }

  it("a dynamic group known to hold the gateway grants; one known not to does not", () => {
    const statement = "allow dynamic-group apigw, dynamic-group other to use functions-family in tenancy";
    const holds = (name: string) => ({
      ...SCENE,
      dynamicGroupHoldsGateway: (p: { name?: string }) => p.name === name,
    });
    assert.equal(decide(statement, TENANCY, holds("other")).verdict, true);
    assert.match(
      decide(statement, TENANCY, holds("nobody")).why,
      /dynamic group other does not hold the gateway/,
    );
  });
});

describe("gatewayInvokeStatement", () => {
  it("writes Oracle's statement for a policy in the tenancy, which the reader accepts", () => {
    const statement = gatewayInvokeStatement(SCENE.functionPath, NET);
    assert.equal(
      statement,
      `ALLOW any-user to use functions-family in compartment apps:fns where ALL {request.principal.type = 'ApiGateway', request.resource.compartment.id = '${NET}'}`,
    );
    assert.equal(decide(statement).verdict, true);
    const root = gatewayInvokeStatement([{ id: TENANCY, name: "acme" }], TENANCY);
    assert.match(root, /use functions-family in tenancy where/);
  });
});

describe("ruleSelectsGateway", () => {
  const gateway = SCENE.gateway;
  const cases: Record<string, [string, boolean | "unknown"]> = {
    "Oracle's form": [`ALL {resource.type = 'ApiGateway', resource.compartment.id = '${NET}'}`, true],
    "the OCID's type, lower case": [
      `all {resource.type='apigateway', resource.compartment.id='${NET}'}`,
      true,
    ],
    "the gateway itself": [`resource.id = '${GATEWAY}'`, true],
    "any of several rules": [`Any {instance.compartment.id = '${NET}', resource.type = 'apigateway'}`, true],
    "another compartment": [`ALL {resource.type = 'ApiGateway', resource.compartment.id = '${APPS}'}`, false],
    "functions, not gateways": [`ALL {resource.type = 'fnfunc', resource.compartment.id = '${NET}'}`, false],
    "instances only": [`instance.compartment.id = '${NET}'`, false],
    "instances only, !=": [`instance.compartment.id != '${APPS}'`, false],
    "a tag fngate cannot see": [
      `ALL {resource.type = 'ApiGateway', tag.team.owner.value = 'web'}`,
      "unknown",
    ],
    "not a rule": ["ALL {resource.type = 'ApiGateway'", "unknown"],
  };
  for (const [name, [rule, expected]] of Object.entries(cases)) {
    it(`${name}: ${String(expected)}`, () => {
      assert.equal(ruleSelectsGateway(rule, gateway), expected);
    });
  }
});
