// P5: one API Gateway deployment with 50 function routes (created, then re-run: no mutating call), and
// 20 functions deployed by 20 concurrent `fngate fn-deploy` processes while the OCI emulator answers
// every third control-plane call with 429 TooManyRequests: every deployment must succeed.
import type { FaultSource } from "../test/emulators/faults.ts";
import type { FaultTarget } from "../test/emulators/oci/faults.ts";
import { isMutating } from "../test/emulators/oci/request-log.ts";
import { cliJob, mustSucceed } from "./cli-runs.ts";
import { startBenchWorld } from "./world.ts";

export interface ScaleFigures {
  routes: { count: number; wallMs: number; calls: number; rerunMutating: number; rerunMs: number };
  concurrent: {
    functions: number;
    succeeded: number;
    wallMs: number;
    calls: number;
    injected429: number;
    slowestMs: number;
  };
}

const ROUTES = 50;
const CONCURRENT = 20;

export async function measureScale(): Promise<ScaleFigures> {
  const world = await startBenchWorld({ functionActiveMs: 1000, workRequestMs: 1000, propagationMs: 0 });
  const job = await cliJob(world.env, world.functionDir);
  try {
    const base = world.pipelineFlags("seed");
    const pick = (...names: string[]) => Object.fromEntries(names.map((n) => [n, base[n] ?? ""]));
    mustSucceed(
      "fn-context",
      await job.run(
        ["fn-context"],
        pick("user-ocid", "tenancy-ocid", "fingerprint", "region", "compartment-ocid"),
      ),
    );
    const login = mustSucceed(
      "ocir-login",
      await job.run(["ocir-login"], pick("region", "username", "registry")),
    );
    const seed = mustSucceed(
      "seed fn-deploy",
      await job.run(["fn-deploy"], {
        ...pick("application", "path", "compartment-ocid"),
        function: "seed",
        registry: login.outputs["image-prefix"] ?? "",
      }),
    );
    // The pushed repository pinned by digest: no pull, no build, in each concurrent deployment.
    const repository = (seed.outputs.image ?? "").replace(/@.*$/, "").replace(/:[^/:]+$/, "");
    const image = `${repository}@${seed.outputs.digest}`;
    const { state } = world.stack.oci;
    const { requests } = world.stack.oci;

    // 50 routes, each to its own function.
    const routeLines: string[] = [];
    for (let i = 0; i < ROUTES; i++) {
      const fn = state.fn.createFunction({
        applicationId: world.applicationId,
        displayName: `route-fn-${i}`,
        image,
        memoryInMBs: 256,
      });
      routeLines.push(`- {path: /r${i}, methods: [GET], function-id: ${fn.id}}`);
    }
    const gatewayFlags = {
      ...pick("gateway-ocid", "compartment-ocid", "entra-tenant-id", "authority-host", "audiences"),
      deployment: "fifty",
      "path-prefix": "/fifty",
      routes: routeLines.join("\n"),
    };
    let from = requests.length;
    const routes = mustSucceed("gateway-deploy (50 routes)", await job.run(["gateway-deploy"], gatewayFlags));
    const routeCalls = requests.length - from;
    from = requests.length;
    const rerun = mustSucceed("gateway-deploy re-run", await job.run(["gateway-deploy"], gatewayFlags));
    const rerunMutating = requests.slice(from).filter(isMutating).length;

    // 20 concurrent deployments under 429s.
    let controlCalls = 0;
    const every3rd: FaultSource<FaultTarget> = (target) => {
      if (target.plane !== "control") return undefined;
      controlCalls += 1;
      return controlCalls % 3 === 0 ? { status: 429 } : undefined;
    };
    const injectedBefore = world.stack.oci.faults.injected;
    const stop = world.stack.oci.faults.add(every3rd);
    from = requests.length;
    const started = performance.now();
    const runs = await Promise.all(
      Array.from({ length: CONCURRENT }, (_, i) =>
        job.run(["fn-deploy"], {
          ...pick("application", "compartment-ocid"),
          function: `burst-${i}`,
          image,
        }),
      ),
    );
    const wallMs = performance.now() - started;
    stop();
    const failed = runs.filter((r) => r.exitCode !== 0);
    for (const run of failed.slice(0, 2)) console.error(run.stderr);
    return {
      routes: { count: ROUTES, wallMs: routes.ms, calls: routeCalls, rerunMutating, rerunMs: rerun.ms },
      concurrent: {
        functions: CONCURRENT,
        succeeded: runs.length - failed.length,
        wallMs,
        calls: requests.length - from,
        injected429: world.stack.oci.faults.injected - injectedBefore,
        slowestMs: Math.max(...runs.map((r) => r.ms)),
      },
    };
  } finally {
    await job.dispose();
    await world.close();
  }
}
