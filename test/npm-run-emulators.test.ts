// `npm run emulators` (test/emulators/start.ts) serves tools outside the process: it prints one JSON line
// with every endpoint, the CA file, the environment that points fngate at the stack, the inputs of a
// seeded world and the files holding its secrets; the built CLI, given only that line, deploys the whole
// OCI pipeline into it. On SIGTERM it stops and removes the CA (with its private key) and the secrets.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { once } from "node:events";
import { existsSync, statSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { test } from "node:test";
import { pushImage } from "./emulators/registry/push-image.ts";
import { registrySkip } from "./emulators/registry/start-registry.ts";
import { cliSandbox, flagsOf } from "./support/cli-process.ts";

interface Printed {
  oci: string;
  caFile: string;
  namespace: string;
  env: Record<string, string>;
  inputs: Record<string, string>;
  secretFiles: Record<string, string>;
}

const skip = registrySkip();

test("npm run emulators prints one JSON line a CLI can deploy with, and cleans up on SIGTERM", async (t) => {
  const child = spawn(process.execPath, [join(import.meta.dirname, "emulators", "start.ts")], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  // A failed assertion must not leave the stack running (the test runner would wait for it) or its files.
  const exited = once(child, "exit") as Promise<[number | null]>;
  t.after(async () => {
    if (child.exitCode === null && child.kill("SIGTERM")) await exited;
  });
  const [firstChunk] = (await once(child.stdout, "data")) as [Buffer];
  const line = firstChunk.toString("utf8");
  assert.ok(line.endsWith("\n") && line.indexOf("\n") === line.length - 1, "exactly one line");
  const printed = JSON.parse(line) as Printed;
  assert.match(printed.oci, /^https:\/\/127\.0\.0\.1:\d+$/);
  assert.ok(existsSync(printed.caFile));
  assert.deepEqual(printed.env, { FNGATE_OCI_ENDPOINT: printed.oci, NODE_EXTRA_CA_CERTS: printed.caFile });
  assert.match(printed.inputs["tenancy-ocid"] ?? "", /^ocid1\.tenancy\./);
  for (const file of Object.values(printed.secretFiles)) assert.equal(statSync(file).mode & 0o777, 0o600);
  assert.doesNotMatch(line, /PRIVATE KEY|demo-client-secret|demo-auth-token/, "secrets only in their files");
  // This process does not trust that run's CA: TLS must fail rather than fall back to plain trust.
  assert.ok((await fetch(`${printed.oci}/n`).catch((error: unknown) => error)) instanceof Error);

  if (skip) console.log(`# skipping the deploy into the printed world: ${skip}`);
  else {
    const registry = printed.inputs.registry ?? "";
    // The registry is plain HTTP on loopback (Debian's docker-registry), as docker allows for 127.0.0.1.
    const password = await readFile(printed.secretFiles["auth-token"] ?? "", "utf8");
    const { digest } = await pushImage({
      registry: {
        url: `http://${registry}`,
        username: `${printed.namespace}/${printed.inputs.username}`,
        password,
      },
      repository: `${printed.namespace}/hello`,
      tag: "prepared",
    });
    await using sandbox = await cliSandbox({
      ...printed.env,
      FNGATE_PRIVATE_KEY_FILE: printed.secretFiles["private-key"] ?? "",
      FNGATE_AUTH_TOKEN_FILE: printed.secretFiles["auth-token"] ?? "",
      FNGATE_CLIENT_SECRET_FILE: printed.secretFiles["client-secret"] ?? "",
    });
    const image = `${registry}/${printed.namespace}/hello@${digest}`;
    const run = await sandbox.run(["pipeline", ...flagsOf({ ...printed.inputs, image }), "--json"]);
    assert.equal(run.exitCode, 0, run.stderr);
    const { outputs } = JSON.parse(run.stdout) as { outputs: Record<string, string> };
    assert.equal(outputs.passed, "true", "the smoke test passed: the route is guarded by the Entra API");
  }

  child.kill("SIGTERM");
  const [code] = await exited;
  assert.equal(code, 0);
  assert.equal(existsSync(printed.caFile), false, "the temporary CA directory is removed");
  const secrets = dirname(printed.secretFiles["private-key"] ?? "/nonexistent/x");
  assert.equal(existsSync(secrets), false, "the secret files are removed");
});
