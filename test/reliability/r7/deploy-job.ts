// One job as a workflow runs it for the R7 image cases: fn-context, ocir-login, fn-deploy, then the post
// steps; the outcome is fn-deploy's, judged on everything every step showed (plus anything the case
// adds, such as the files of the pushed image) and on HOME and RUNNER_TEMP before and after the job.
import { Job, type StepResult } from "../../runner/index.ts";
import type { OciFixture } from "../../support/oci-fixture.ts";
import { shownByStep } from "../../support/secret-scan.ts";
import { errorLinesOf, type HostileOutcome, leftAndWide } from "./hostile-case.ts";

export interface DeployJob {
  main: StepResult;
  outcome(expect: HostileOutcome["expect"], secrets: string[], extraShown?: string): Promise<HostileOutcome>;
  dispose(): Promise<void>;
}

export async function deployAfterLogin(
  oci: OciFixture,
  registry: { host: string; authToken: string },
  checkout: string | undefined,
  inputs: Record<string, string>,
): Promise<DeployJob> {
  const job = await Job.create({ env: oci.env, ...(checkout ? { checkout } : {}) });
  const before = await job.snapshot();
  const steps: StepResult[] = [];
  steps.push(await job.run("fn-context", { inputs: oci.inputs() }));
  steps.push(
    await job.run("ocir-login", {
      inputs: {
        region: "ap-tokyo-1",
        namespace: oci.namespace,
        username: "ci-user",
        "auth-token": registry.authToken,
        registry: registry.host,
      },
    }),
  );
  const main = await job.run("fn-deploy", {
    inputs: { application: "apps", "compartment-ocid": oci.tenancyId, ...inputs },
    timeoutMs: 240_000,
  });
  steps.push(main, ...(await job.runPosts()));
  return {
    main,
    outcome: async (expect, secrets, extraShown = "") => ({
      expect,
      exitCode: main.exitCode,
      errorLines: errorLinesOf(main),
      shown: `${steps.map((step) => shownByStep(step)).join("\n")}\n${extraShown}`,
      secrets,
      ...leftAndWide(before, await job.snapshot()),
    }),
    dispose: () => job.dispose(),
  };
}
