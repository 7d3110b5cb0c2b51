// The entra-token action's input checks, in process (test/support/input-table.ts): what it refuses
// before calling Entra (Entra's address is the tripwire's) is one line naming the input and the fix.
// Entra's own refusals, through the runner: test/entra-token-action.test.ts.
import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import { createSelfSignedCert, type SelfSignedCert } from "./emulators/entra/self-signed-cert.ts";
import { actionRefusal, actionVerdict, refusalTable, tripwire } from "./support/input-table.ts";

const SECRET = "s3cr3t~Value.With-Chars_0123456789";
let cert: SelfSignedCert;
before(async () => {
  cert = await createSelfSignedCert("fngate-ci");
});

describe("entra-token refuses bad input before calling Entra", () => {
  // Every check before the first call: Entra's address is the tripwire's.
  const offline = async (given: Record<string, string>) => ({
    "tenant-id": "72f988bf-86f1-41af-91ab-2d7cd011db47",
    "client-id": "0b9c3e4a-1111-2222-3333-444455556666",
    scope: "api://my-oci-api/.default",
    "authority-host": (await tripwire()).host,
    ...given,
  });
  const base = async () => ({ inputs: await offline({ "client-secret": SECRET }) });

  it("the inputs the cases start from pass every check", async () => {
    const verdict = await actionVerdict("entra-token", await base());
    assert.equal(verdict.outcome, "accepted");
    assert.ok(verdict.masks.includes(SECRET), "client-secret is masked");
  });
  refusalTable("entra-token", base, {
    "no credential": [
      { "client-secret": undefined },
      /^no credential given: set exactly one of client-secret, client-certificate/,
    ],
    "two credentials": [
      { federated: "true" },
      /^client-secret and federated: true are both set: keep exactly one credential\.$/,
    ],
    "a client-id that is not a GUID": [
      { "client-id": "my-app" },
      /^client-id "my-app" is not a GUID: copy the Application \(client\) ID/,
    ],
    "a tenant-id that is neither GUID nor domain": [
      { "tenant-id": "not a tenant" },
      /^tenant-id "not a tenant" is neither a GUID nor a domain name/,
    ],
    "a scope without /.default": [
      { scope: "api://my-oci-api/Invoke" },
      /^scope "api:\/\/my-oci-api\/Invoke" must end in \/\.default: .*\(e\.g\. api:\/\/my-oci-api\/\.default\)/,
    ],
  });
  it("a certificate without its key", async () => {
    const given = { inputs: await offline({ "client-certificate": cert.certPem }) };
    assert.match(
      await actionRefusal("entra-token", given),
      /^client-certificate is set without client-certificate-key: /,
    );
  });
});
