// Loaded before every test file (package.json's test script: `node --import`): steps run in process
// make SDK calls, and the OCI SDK's console chatter would land in the test output as it would in a
// workflow log. It goes to the same place the adapters send it, a debug line, shown here only with
// FNGATE_TEST_DEBUG=1. console.log stays: tests print their figures with it.
import { routeSdkChatter } from "../../src/sdk-chatter.ts";

const debugLine = process.env.FNGATE_TEST_DEBUG
  ? (line: string) => process.stderr.write(`[sdk debug] ${line}\n`)
  : () => {};
routeSdkChatter(debugLine, ["warn", "info"]);
