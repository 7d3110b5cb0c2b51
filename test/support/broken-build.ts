// What the rollout tests share: a build that fails the smoke test for real, and reads of what the
// emulators hold. The bad build is a function directory whose func.js answers another body, built and
// pushed by fn-deploy to a repository of its own (image-prefix <registry>/<namespace>/broken), whose
// images the OCI emulator runs from that directory (it looks code up by repository, not by content).
import assert from "node:assert/strict";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { PipelineFixture } from "../reliability/pipeline-fixture.ts";
import type { StepResult } from "../runner/index.ts";
import { secretsFound, visibleOutput } from "./secret-scan.ts";

/** The smoke test's verdict on the broken build, which answers BROKEN_BODY. */
export const SMOKE_VERDICT =
  'smoke test failed, 1 of 6 checks: with token answered 200 with another body, expected 200, body includes JSON {"message":"Hello World"}.';

/** What the broken build answers instead of {"message":"Hello World"}. */
export const BROKEN_BODY = '{"message":"Goodbye World"}';

/**
 * Turns a checkout (a job's workspace, the CLI's folder) into a build that fails the smoke test, and
 * returns the inputs that push it to <namespace>/broken/<name>, whose images run from that folder.
 */
export async function breakTheBuild(
  fx: PipelineFixture,
  dir: string,
  name: string,
): Promise<Record<string, string>> {
  const funcJs = join(dir, "func.js");
  const code = await readFile(funcJs, "utf8");
  // The checkout lives outside the repository, so it names the FDK by absolute path.
  const fdk = JSON.stringify(fileURLToPath(import.meta.resolve("@fnproject/fdk")));
  const broken = code
    .replace('require("@fnproject/fdk")', `require(${fdk})`)
    .replace("message: `Hello ", "message: `Goodbye ");
  assert.notEqual(broken, code);
  await writeFile(funcJs, broken);
  fx.oci.stack.oci.state.fn.registerFunctionCode(`broken/${name}`, dir);
  return { "image-prefix": `${fx.registry?.host}/${fx.oci.namespace}/broken` };
}

export function functionRecord(fx: PipelineFixture, id: string | undefined) {
  const fn = fx.oci.stack.oci.state.fn.functions.get(id ?? "");
  assert.ok(fn, `function ${id}`);
  return fn;
}

export function deploymentRecord(fx: PipelineFixture, id: string | undefined) {
  const deployment = fx.oci.stack.oci.state.apigw.deployments.get(id ?? "");
  assert.ok(deployment, `deployment ${id}`);
  return deployment;
}

/** What the API answers a caller with a good token. */
export async function answer(fx: PipelineFixture, url: string): Promise<{ status: number; body: string }> {
  const token = await fx.oci.stack.entra.mintToken({
    tenantId: fx.tenantId,
    resource: "api://my-oci-api",
    clientAppId: fx.client.appId,
  });
  const response = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
  return { status: response.status, body: await response.text() };
}

export function assertNothingLeaked(fx: PipelineFixture, runs: StepResult[]): void {
  const everything = runs
    .map((r) => visibleOutput(r.stdout) + r.stderr + JSON.stringify(r.outputs))
    .join("\n");
  assert.deepEqual(secretsFound(everything, fx.secrets), []);
}

/** An image output (a tag reference) pinned by a digest output, as previous-image and the error name it. */
export function pinnedImage(outputs: Record<string, string>): string {
  return `${(outputs.image ?? "").replace(/:[^/:]+$/, "")}@${outputs.digest}`;
}
