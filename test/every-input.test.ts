// Every missing required input is named in one message, before the environment (the OCI profile) is
// checked: one run to learn what to set, not one per input. One missing input reads as before.
import assert from "node:assert/strict";
import { it } from "node:test";
import { actionMetadata } from "../src/cli/action-metadata.ts";
import { cliInputHost } from "../src/cli/cli-host.ts";
import { cliInputs } from "../src/cli/cli-inputs.ts";
import { createRedactor } from "../src/cli/redactor.ts";
import { actionInputHost } from "../src/github/action-host.ts";
import { actionInputReader } from "../src/github/action-reader.ts";
import { readFnContextInputs } from "../src/inputs/fn-context.ts";
import { readGatewayDeployInputs } from "../src/inputs/gateway-deploy.ts";
import { readPipelineInputs } from "../src/inputs/pipeline.ts";
import { readEveryInput } from "../src/inputs/reader.ts";

const action = (env: Record<string, string>) => ({
  read: actionInputReader(env, () => {}),
  host: actionInputHost(env),
});

it("the action names every missing input at once, before the missing OCI profile", () => {
  const { read, host } = action({});
  assert.throws(() => readEveryInput(read, (all) => readGatewayDeployInputs(all, host)), {
    message: "gateway-ocid and deployment are required: set these inputs.",
  });
  assert.throws(() => readEveryInput(read, (all) => readFnContextInputs(all, host)), {
    message:
      "user-ocid, private-key, tenancy-ocid and region are required: set these inputs (or take user-ocid from OCI_CLI_USER, private-key from OCI_CLI_KEY_CONTENT, tenancy-ocid from OCI_CLI_TENANCY, region from OCI_CLI_REGION).",
  });
});

it("one missing input, and a bad value with nothing missing, read as they always did", () => {
  const { read, host } = action({ INPUT_DEPLOYMENT: "api" });
  assert.throws(() => readEveryInput(read, (all) => readGatewayDeployInputs(all, host)), {
    message: "gateway-ocid is required: set the input.",
  });
  // A bad value is named before the missing profile (gateway-deploy plans its inputs while parsing).
  const bad = action({ "INPUT_GATEWAY-OCID": "ocid1.apigateway.oc1..x", INPUT_DEPLOYMENT: "api" });
  assert.throws(() => readEveryInput(bad.read, (all) => readGatewayDeployInputs(all, bad.host)), {
    message:
      'gateway-ocid is not a valid OCID: expected ocid1.apigateway.oc1..aaaa…; got "ocid1.apigateway.oc1..x".',
  });
  const full = action({
    "INPUT_GATEWAY-OCID": "ocid1.apigateway.oc1.ap-tokyo-1.aaaaaaaaexamplegateway",
    INPUT_DEPLOYMENT: "api",
    "INPUT_COMPARTMENT-OCID": "ocid1.compartment.oc1..aaaaaaaaexamplecompartment",
    "INPUT_FUNCTION-ID": "ocid1.fnfunc.oc1.ap-tokyo-1.aaaaaaaaexamplefunction",
    "INPUT_ENTRA-TENANT-ID": "72f988bf-86f1-41af-91ab-2d7cd011db47",
    INPUT_AUDIENCES: "api://fngate-example",
  });
  assert.throws(() => readEveryInput(full.read, (all) => readGatewayDeployInputs(all, full.host)), {
    message: /^no OCI profile: run fn-context first/,
  });
});

it("the pipeline gathers across its stages, under its own input names", () => {
  const { read, host } = action({});
  assert.throws(
    () => readEveryInput(read, (all) => readPipelineInputs(all, host)),
    (error: Error) => {
      for (const name of ["tenancy-ocid", "application", "gateway-ocid", "deployment", "entra-tenant-id"]) {
        assert.ok(error.message.includes(name), `${name} in: ${error.message}`);
      }
      return /are required: set these inputs/.test(error.message);
    },
  );
});

it("the CLI words it as flags", () => {
  const redactor = createRedactor();
  const read = cliInputs(actionMetadata("gateway-deploy"), new Map(), {}, redactor, [], "gateway-deploy");
  const host = cliInputHost({}, "/nonexistent-home", { register: () => {} });
  assert.throws(() => readEveryInput(read, (all) => readGatewayDeployInputs(all, host)), {
    message:
      /^--gateway-ocid and --deployment are required: pass each as --<name> <value> or set FNGATE_<NAME>\.$/,
  });
});
