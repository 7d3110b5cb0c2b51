// Token commands of the CLI never print a token: `fngate oci-token --token-file` writes it 0600 and
// the --json result carries everything else; the credential secret comes from FNGATE_* only.
import assert from "node:assert/strict";
import { readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { identityDomainOf } from "./emulators/oci-identity-domain/store.ts";
import { cliSandbox } from "./support/cli-process.ts";
import { type OciFixture, startOciFixture } from "./support/oci-fixture.ts";
import { secretsFound } from "./support/secret-scan.ts";

const AUDIENCE = "https://fngate-api.example.oraclecloud.com";
const SCOPE = "urn:opc:resource:consumer::all";
let oci: OciFixture;

before(async () => {
  oci = await startOciFixture();
});
after(async () => {
  await oci?.close();
});

describe("fngate oci-token", () => {
  it("writes the token only to --token-file (0600), prints its claims, and leaks neither token nor secret", async () => {
    const credential = identityDomainOf(oci.stack.oci.state, oci.stack.oci.now).addCredential({
      tenancyId: oci.tenancyId,
      scopes: [{ audience: AUDIENCE, scope: SCOPE }],
    });
    await using sandbox = await cliSandbox(oci.env);
    const tokenFile = join(sandbox.root, "oci-token");
    const args = ["oci-token", "--credential-ocid", credential.id, "--region", "us-ashburn-1"];
    const run = await sandbox.run(
      [...args, "--audience", AUDIENCE, "--scope", SCOPE, "--token-file", tokenFile, "--json"],
      { FNGATE_CREDENTIAL_SECRET: credential.secret },
    );
    assert.equal(run.exitCode, 0, run.stderr);
    const { outputs } = JSON.parse(run.stdout) as { outputs: Record<string, string> };
    assert.equal(outputs["access-token-file"], tokenFile);
    assert.equal(outputs["access-token"], undefined);
    assert.equal(outputs["token-type"], "Bearer");
    assert.equal(outputs.audience, AUDIENCE);
    assert.equal((await stat(tokenFile)).mode & 0o777, 0o600);
    const token = await readFile(tokenFile, "utf8");
    assert.ok(token.length > 20);
    const printed = `${run.stdout}\n${run.stderr}`;
    assert.deepEqual(secretsFound(printed, [token, credential.secret]), []);
  });
});
