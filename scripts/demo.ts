// npm run demo: the pipeline on the embedded emulator stack. For now (the first action of the
// pipeline) it runs fn-context through the runner harness, exactly as GitHub would, against the
// signature-verifying OCI emulator, prints what the action wrote, then runs its post step.
import { readFile } from "node:fs/promises";
import { join, relative } from "node:path";
import { Job } from "../test/runner/index.ts";
import { startOciFixture } from "../test/support/oci-fixture.ts";

const oci = await startOciFixture();
const job = await Job.create({ env: oci.env });
try {
  console.log(`OCI emulator: ${oci.stack.endpoints.oci} (tenancy namespace ${oci.namespace})`);
  console.log("\n$ uses: ./actions/fn-context   # with a pasted key: literal \\n escapes, one line");
  const pasted = oci.key.pkcs8.trim().split("\n").join("\\n");
  const main = await job.run("fn-context", { inputs: oci.inputs({ "private-key": pasted }) });
  console.log(
    indent(
      main.stdout
        .split("\n")
        .filter((l) => l && !l.startsWith("::add-mask::"))
        .join("\n"),
    ),
  );
  console.log(`exit code ${main.exitCode}`);
  console.log("\noutputs:");
  for (const [name, value] of Object.entries(main.outputs)) console.log(`  ${name}=${value}`);
  console.log("exported environment:");
  for (const [name, value] of Object.entries(main.exportedEnv)) console.log(`  ${name}=${value}`);
  console.log("\nfiles written:");
  for (const file of main.writtenFiles) {
    const path = join(job.root, file.path);
    const text = await readFile(path, "utf8").catch(() => "");
    const shown = file.path.endsWith(".pem")
      ? `(private key, ${text.length} bytes: not shown)`
      : `\n${indent(text.trimEnd(), 4)}`;
    console.log(`  ${relative(job.root, path)} (mode ${(file.mode & 0o777).toString(8)}) ${shown}`);
  }
  const posts = await job.runPosts();
  console.log("\n$ post step");
  for (const post of posts) console.log(indent(post.stdout.trim()));
  const left = await job.snapshot();
  console.log(
    `\nHOME and RUNNER_TEMP after the post step: ${left.size === 0 ? "empty again, as before the job" : [...left.keys()].join(", ")}`,
  );
  process.exitCode = main.exitCode;
} finally {
  await job.dispose();
  await oci.close();
}

function indent(text: string, by = 2): string {
  return text
    .split("\n")
    .map((line) => `${" ".repeat(by)}${line}`)
    .join("\n");
}
