// fn-context as the runner runs it, against the OCI emulator: the profile and key it writes (every pasted
// key form, an encrypted one decrypted), the Fn CLI context exactly as the Fn CLI reads it, the OCI CLI
// variables, merging with what HOME holds and restoring it byte for byte; and the Fn CLI files' rendering
// in process (new, merged into, re-rendered unchanged).
import assert from "node:assert/strict";
import { mkdir, readFile, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { parse } from "yaml";
import { renderContextFile, renderRootConfig } from "../src/oci/functions/fn-cli-context.ts";
import { Job } from "./runner/index.ts";
import { actionVerdict } from "./support/input-table.ts";
import { encryptedPkcs1, encryptedPkcs8, pastedVariants } from "./support/keys.ts";
import { type OciFixture, startOciFixture } from "./support/oci-fixture.ts";

let oci: OciFixture;
before(async () => {
  oci = await startOciFixture();
});
after(async () => {
  await oci?.close();
});

/**
 * Runs fn-context (twice when asked: a re-run with the same inputs) and the post steps in a fresh job;
 * returns HOME and RUNNER_TEMP before the job and after the post steps.
 */
async function runAndRestore(
  inputs: Record<string, string>,
  prepare?: (job: Job) => Promise<void>,
  rerun = false,
) {
  await using job = await Job.create({ env: oci.env });
  await prepare?.(job);
  const before = await job.snapshot();
  const main = await job.run("fn-context", { inputs });
  const again = rerun ? await job.run("fn-context", { inputs }) : undefined;
  const home = await readHome(job);
  const posts = await job.runPosts();
  const afterPost = await job.snapshot();
  return { job, main, again, home, posts, before, afterPost };
}

async function readHome(job: Job) {
  const read = (path: string) => readFile(join(job.home, path), "utf8").catch(() => undefined);
  return {
    config: await read(".oci/config"),
    key: await read(".oci/fngate-DEFAULT.pem"),
    keyMode: await stat(join(job.home, ".oci/fngate-DEFAULT.pem")).then(
      (s) => s.mode & 0o777,
      () => undefined,
    ),
    context: await read(".fn/contexts/fngate.yaml"),
    fnConfig: await read(".fn/config.yaml"),
  };
}

describe("fn-context takes every pasted key form", () => {
  // Each form through the action's reader and plan, in process (the one test of each form's repair; the
  // refusals: pem-repair.test.ts): accepted with the key's own fingerprint given, so each was repaired to
  // the same key, and masked.
  const variants: Record<string, { key: string; passphrase?: string }> = {};
  before(() => {
    for (const [form, key] of Object.entries(pastedVariants(oci.key))) variants[form] = { key };
    variants["encrypted PKCS#8 + passphrase"] = {
      key: encryptedPkcs8(oci.key, "correct horse"),
      passphrase: "correct horse",
    };
    variants["encrypted traditional PKCS#1 + passphrase"] = {
      key: encryptedPkcs1(oci.key, "correct horse"),
      passphrase: "correct horse",
    };
  });

  it("each variant is accepted as the same key and masked", async () => {
    assert.ok(Object.keys(variants).length >= 14);
    for (const [form, variant] of Object.entries(variants)) {
      const inputs = oci.inputs({
        "private-key": variant.key,
        verify: "false",
        ...(variant.passphrase ? { "private-key-passphrase": variant.passphrase } : {}),
      });
      const verdict = await actionVerdict("fn-context", { inputs });
      assert.equal(verdict.outcome, "accepted", `${form}: ${"line" in verdict ? verdict.line : ""}`);
      assert.ok(verdict.written.includes(".oci/fngate-DEFAULT.pem"), form);
      assert.ok(
        verdict.masks.some((piece) => piece.length >= 16 && oci.key.pkcs8.includes(piece)),
        `${form}: the key is masked`,
      );
    }
  });
});

describe("fn-context outputs, files and environment", () => {
  it("writes the profile, the Fn context exactly as the Fn CLI reads it, and exports the OCI CLI variables", async () => {
    const compartment = oci.tenancyId.replace("ocid1.tenancy.", "ocid1.compartment.");
    const run = await runAndRestore(oci.inputs({ "compartment-ocid": compartment }));
    assert.equal(run.main.exitCode, 0, run.main.stdout);
    // The key as fn-context decrypted and repaired it (test/fn-context-plan.test.ts; encrypted, as the
    // runner runs it: test/fn-context-credential.test.ts), private to the job's user.
    assert.equal(run.home.key, oci.key.pkcs8);
    assert.equal(run.home.keyMode, 0o600);
    const configFile = join(run.job.home, ".oci", "config");
    const keyFile = join(run.job.home, ".oci", "fngate-DEFAULT.pem");
    assert.equal(
      run.home.config,
      `[DEFAULT]\nuser=${oci.userId}\nfingerprint=${oci.key.fingerprint}\ntenancy=${oci.tenancyId}\nregion=ap-tokyo-1\nkey_file=${keyFile}\n`,
    );
    assert.deepEqual(parse(run.home.context ?? ""), {
      provider: "oracle",
      "api-url": oci.env.FNGATE_OCI_ENDPOINT,
      registry: `ocir.ap-tokyo-1.oci.oraclecloud.com/${oci.namespace}`,
      "oracle.compartment-id": compartment,
      "oracle.profile": "DEFAULT",
    });
    assert.equal(parse(run.home.fnConfig ?? "")["current-context"], "fngate");
    assert.deepEqual(run.main.outputs, {
      "config-file": configFile,
      profile: "DEFAULT",
      "key-file": keyFile,
      "context-name": "fngate",
      "api-url": oci.env.FNGATE_OCI_ENDPOINT,
      region: "ap-tokyo-1",
      registry: `ocir.ap-tokyo-1.oci.oraclecloud.com/${oci.namespace}`,
      namespace: oci.namespace,
      fingerprint: oci.key.fingerprint,
      changed: "true",
    });
    assert.equal(run.main.exportedEnv.OCI_CLI_CONFIG_FILE, configFile);
    assert.equal(run.main.exportedEnv.OCI_CLI_PROFILE, "DEFAULT");
    assert.match(run.main.summary, /tenancy namespace/);
  });

  it("without FNGATE_OCI_ENDPOINT and verify: false, derives api-url from the region's realm and makes no call", async () => {
    await using job = await Job.create({ env: { NODE_EXTRA_CA_CERTS: oci.stack.caFile } });
    const calls = oci.stack.oci.requests.length;
    const run = await job.run("fn-context", {
      inputs: oci.inputs({ verify: "false", region: "us-ashburn-1", fingerprint: "" }),
    });
    assert.equal(run.exitCode, 0, run.stdout);
    assert.equal(run.outputs["api-url"], "https://functions.us-ashburn-1.oci.oraclecloud.com");
    assert.equal(run.outputs.namespace, undefined);
    assert.equal(run.outputs.registry, "");
    assert.equal(run.outputs.fingerprint, oci.key.fingerprint, "computed when the input is empty");
    assert.equal(oci.stack.oci.requests.length, calls);
  });

  it("falls back to the OCI_CLI_* variables the existing OCI actions use", async () => {
    await using job = await Job.create({
      env: {
        ...oci.env,
        OCI_CLI_USER: oci.userId,
        OCI_CLI_TENANCY: oci.tenancyId,
        OCI_CLI_FINGERPRINT: oci.key.fingerprint,
        OCI_CLI_KEY_CONTENT: oci.key.pkcs1,
        OCI_CLI_REGION: "ap-osaka-1",
      },
    });
    const run = await job.run("fn-context", {});
    assert.equal(run.exitCode, 0, run.stdout);
    assert.equal(run.outputs.region, "ap-osaka-1");
    assert.equal(run.outputs.namespace, oci.namespace);
  });

  it("merges with existing ~/.oci and ~/.fn; a second run writes nothing and says so; the post steps restore them byte for byte", async () => {
    const existingConfig = "# laptop\n[DEFAULT]\nuser=ocid1.user.oc1..aaaaaaaaother\nregion=us-phoenix-1\n";
    const existingFn = "cli-version: 0.6.40\ncontainer-enginetype: docker\ncurrent-context: default\n";
    const inputs = oci.inputs({ profile: "CI", "context-name": "ci" });
    const run = await runAndRestore(
      inputs,
      async (job) => {
        await mkdir(join(job.home, ".oci"), { recursive: true, mode: 0o755 });
        await writeFile(join(job.home, ".oci", "config"), existingConfig, { mode: 0o644 });
        await mkdir(join(job.home, ".fn", "contexts"), { recursive: true });
        await writeFile(join(job.home, ".fn", "config.yaml"), existingFn);
        await writeFile(
          join(job.home, ".fn", "contexts", "default.yaml"),
          'api-url: http://localhost:8080\nprovider: default\nregistry: ""\n',
        );
      },
      true,
    );
    assert.equal(run.main.exitCode, 0, run.main.stdout);
    assert.equal(run.main.outputs.changed, "true");
    assert.ok(run.home.config?.startsWith(`${existingConfig}\n[CI]\n`), run.home.config);
    assert.equal(run.again?.exitCode, 0, run.again?.stdout);
    assert.equal(run.again?.outputs.changed, "false");
    assert.match(run.again?.stdout ?? "", /already up to date: nothing written/);
    assert.ok(run.posts.every((p) => p.exitCode === 0));
    assert.deepEqual(run.afterPost, run.before, "HOME/RUNNER_TEMP not restored");
  });
});

const fnContext = {
  name: "ci",
  apiUrl: "https://functions.ap-tokyo-1.oci.oraclecloud.com",
  registry: "ocir.ap-tokyo-1.oci.oraclecloud.com/axnamespace",
  compartmentId: "ocid1.compartment.oc1..aaaaaaaacomp",
  profile: "DEFAULT",
};

describe("Fn CLI context files", () => {
  // A new context holds exactly the keys the Fn CLI's oracle provider reads: the first run above.
  it("an existing context keeps keys someone else set and gets ours", () => {
    const existing =
      "provider: default\napi-url: http://localhost:8080\noracle.image-compartment-id: ocid1.compartment.oc1..img\n";
    const written = parse(renderContextFile(existing, fnContext));
    assert.equal(written.provider, "oracle");
    assert.equal(written["api-url"], fnContext.apiUrl);
    assert.equal(written["oracle.image-compartment-id"], "ocid1.compartment.oc1..img");
  });

  it("re-rendering is a fixed point (a re-run writes nothing)", () => {
    const once = renderContextFile(undefined, fnContext);
    assert.equal(renderContextFile(once, fnContext), once);
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
