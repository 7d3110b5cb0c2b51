// P1-CR: `fngate cloud-run-pipeline` (a fresh CI job) against the Google emulator with Cloud Run's waits
// injected: the deploy's long-running operation (a new revision starting) and the minting of the smoke
// test's ID token. The pipeline fetches the token beside the operation, so the least time any tool can
// take is the longer of the two (the critical path), not their sum; what is above it is our own time
// (process start, credentials, calls, polling overshoot, the smoke checks).
import { startEmulatorStack } from "../test/emulators/stack.ts";
import { cliJob, mustSucceed } from "./cli-runs.ts";

export interface CloudRunLatencies {
  /** How long a deploy's operation stays running (the new revision starting and passing its checks). */
  operationMs: number;
  /** How long Google takes to mint the smoke caller's ID token. */
  idTokenMs: number;
}

export function cloudRunCriticalPathMs(latencies: CloudRunLatencies): number {
  return Math.max(latencies.operationMs, latencies.idTokenMs);
}

export function cloudRunInjectedMs(latencies: CloudRunLatencies): number {
  return latencies.operationMs + latencies.idTokenMs;
}

export interface CloudRunOverheadFigures {
  latencies: CloudRunLatencies;
  wallMs: number;
  ratio: number;
  /** Operation polls after the update started, and ID tokens minted. */
  operationPolls: number;
  /** Each stage's "start to end" as the CLI printed it. */
  timeline: string[];
}

const PROJECT = "bench-project";
const REGION = "asia-northeast1";
const IMAGE = `${REGION}-docker.pkg.dev/${PROJECT}/functions/hello-http`;

export async function measureCloudRunOverhead(
  latencies: CloudRunLatencies,
): Promise<CloudRunOverheadFigures> {
  const stack = await startEmulatorStack();
  const { gcp } = stack;
  gcp.addProject(PROJECT);
  gcp.addImage(`${IMAGE}:1`);
  gcp.addImage(`${IMAGE}:2`);
  const deployer = gcp.addServiceAccount(PROJECT, "deployer");
  const caller = gcp.addServiceAccount(PROJECT, "caller");
  gcp.grantRunAdmin(PROJECT, `serviceAccount:${deployer.email}`);
  // Keys: a CLI job outside GitHub has no OIDC token to federate with.
  const job = await cliJob({
    NODE_EXTRA_CA_CERTS: stack.caFile,
    FNGATE_GCP_ENDPOINT: gcp.url,
    FNGATE_CREDENTIALS_JSON: deployer.json,
    FNGATE_INVOKER_CREDENTIALS_JSON: caller.json,
  });
  const flags = (tag: string) => ({
    project: PROJECT,
    region: REGION,
    service: "bench",
    image: `${IMAGE}:${tag}`,
    "expect-body": "Hello World!",
  });
  try {
    // The service exists (created with no latency): the measured run updates it to a new image, the
    // common case in CI, and its URL, the token's audience, is known before the new revision is ready.
    gcp.setOperationDelay(0);
    mustSucceed("creating run", await job.run(["cloud-run-pipeline"], flags("1")));
    gcp.setOperationDelay(latencies.operationMs);
    gcp.state.idTokenDelayMs = latencies.idTokenMs;
    const from = gcp.state.requests.length;
    const run = mustSucceed("cloud-run-pipeline", await job.run(["cloud-run-pipeline"], flags("2")));
    if (run.outputs.changed !== "true" || run.outputs.passed !== "true") {
      throw new Error(`P1-CR: the measured run did not deploy and pass:\n${run.stderr}`);
    }
    const calls = gcp.state.requests.slice(from);
    return {
      latencies,
      wallMs: run.ms,
      ratio: run.ms / cloudRunCriticalPathMs(latencies),
      operationPolls: calls.filter((call) => call.method === "GET" && call.path.includes("/operations/"))
        .length,
      timeline: run.stderr
        .split("\n")
        .map((line) => line.replace(/^\[cloud-run-pipeline\] /, ""))
        .filter((line) => /^[\w-]+: [\d.]+ s to [\d.]+ s/.test(line)),
    };
  } finally {
    await job.dispose();
    await stack.close();
  }
}
