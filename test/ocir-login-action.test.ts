import assert from "node:assert/strict";
import { readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import { after, before, describe, it, type TestContext } from "node:test";
import { type StartedRegistry, startRegistry } from "./emulators/registry/start-registry.ts";
import { assertUserFailure, Job } from "./runner/index.ts";
import { type OciFixture, startOciFixture } from "./support/oci-fixture.ts";
import { dockerEngineRunning, executableExists, requireComponent } from "./support/real-components.ts";
import { secretsFound, visibleOutput as visible } from "./support/secret-scan.ts";

const TOKEN = "a1B2c3;D4e5(F6g7)H8i9";
let oci: OciFixture;
let registry: StartedRegistry | undefined;

before(async () => {
  oci = await startOciFixture();
  if (await executableExists("/usr/bin/docker-registry")) {
    registry = await startRegistry({
      users: [
        { username: `${oci.namespace}/ci-user`, password: TOKEN },
        { username: `${oci.namespace}/oracleidentitycloudservice/fed@example.com`, password: TOKEN },
      ],
    });
  }
});
after(async () => {
  await registry?.close();
  await oci?.close();
});

function loginInputs(overrides: Record<string, string> = {}) {
  return {
    region: "ap-tokyo-1",
    namespace: oci.namespace,
    username: "ci-user",
    "auth-token": TOKEN,
    registry: registry?.host ?? "",
    ...overrides,
  };
}

/** The real docker CLI and engine and the distribution registry: skipped outside CI when absent. */
async function realComponents(t: TestContext): Promise<boolean> {
  return (
    (await requireComponent(t, "docker-registry", () => executableExists("/usr/bin/docker-registry"))) &&
    (await requireComponent(t, "the Docker engine", dockerEngineRunning))
  );
}

describe("ocir-login with the real docker CLI and registry", () => {
  it("logs in, the post step logs out and leaves HOME exactly as it was; nothing shows the token", async (t) => {
    if (!(await realComponents(t))) return;
    await using job = await Job.create({ env: oci.env });
    const before = await job.snapshot();
    const run = await job.run("ocir-login", { inputs: loginInputs() });
    assert.equal(run.exitCode, 0, run.stdout + run.stderr);
    assert.deepEqual(run.outputs, {
      registry: registry?.host,
      username: `${oci.namespace}/ci-user`,
      namespace: oci.namespace,
      "image-prefix": `${registry?.host}/${oci.namespace}`,
      "token-expires-at": "",
    });
    const config = JSON.parse(await readFile(join(job.home, ".docker", "config.json"), "utf8"));
    assert.ok(config.auths[registry?.host ?? ""], "docker login stored the registry");
    const posts = await job.runPosts();
    assert.ok(posts.every((p) => p.exitCode === 0));
    assert.deepEqual(await job.snapshot(), before);
    const everything =
      [run, ...posts].map((r) => visible(r.stdout) + r.stderr).join("\n") + (await job.allWrittenText());
    const auth = Buffer.from(`${oci.namespace}/ci-user:${TOKEN}`).toString("base64");
    assert.deepEqual(secretsFound(everything, [TOKEN, auth]), [], "secret found in what the job wrote");
  });

  it("a federated user logs in with identity-domain, and is refused without it (the message says why)", async (t) => {
    if (!(await realComponents(t))) return;
    await using job = await Job.create({ env: oci.env });
    const refused = await job.run("ocir-login", { inputs: loginInputs({ username: "fed@example.com" }) });
    assertUserFailure(
      refused,
      /^docker login to .* as .*\/fed@example.com was refused \(.*\)\. Likely causes: the username form .*identity-domain/,
      [TOKEN],
    );
    const accepted = await job.run("ocir-login", {
      inputs: loginInputs({ username: "fed@example.com", "identity-domain": "oracleidentitycloudservice" }),
    });
    assert.equal(accepted.exitCode, 0, accepted.stdout);
    assert.equal(accepted.outputs.username, `${oci.namespace}/oracleidentitycloudservice/fed@example.com`);
  });

  it("a wrong auth token is refused with the likely causes, and nothing is left behind", async (t) => {
    if (!(await realComponents(t))) return;
    await using job = await Job.create({ env: oci.env });
    const before = await job.snapshot();
    const run = await job.run("ocir-login", { inputs: loginInputs({ "auth-token": "wrong-token" }) });
    assertUserFailure(run, /was refused .*auth-token is wrong, or was created moments ago/, ["wrong-token"]);
    assert.doesNotMatch(visible(run.stdout) + run.stderr, /wrong-token/);
    assert.deepEqual(await job.snapshot(), before);
  });
});

describe("ocir-login without docker", () => {
  it("looks the namespace up with the profile fn-context wrote, writes the login to docker's config.json (0600) for other clients, and the post steps remove it", async () => {
    await using job = await Job.create({ env: { ...oci.env, PATH: "/nonexistent" } });
    const before = await job.snapshot();
    const context = await job.run("fn-context", { inputs: oci.inputs() });
    assert.equal(context.exitCode, 0, context.stdout);
    const run = await job.run("ocir-login", { inputs: loginInputs({ namespace: "", registry: "" }) });
    assert.equal(run.exitCode, 0, run.stdout);
    const registryHost = "ocir.ap-tokyo-1.oci.oraclecloud.com";
    assert.equal(run.outputs.namespace, oci.namespace);
    assert.equal(run.outputs.registry, registryHost);
    assert.equal(run.outputs["image-prefix"], `${registryHost}/${oci.namespace}`);
    const configPath = join(job.home, ".docker", "config.json");
    const config = JSON.parse(await readFile(configPath, "utf8"));
    assert.equal(
      config.auths[registryHost].auth,
      Buffer.from(`${oci.namespace}/ci-user:${TOKEN}`).toString("base64"),
    );
    assert.equal((await stat(configPath)).mode & 0o777, 0o600);
    assert.match(
      run.stdout,
      /docker is not installed: wrote the ocir\.ap-tokyo-1\.oci\.oraclecloud\.com login/,
    );
    await job.runPosts();
    assert.deepEqual(await job.snapshot(), before);
  });
});
