// R7 hostile cases for OCIR logins and cleanup under failure: runs cancelled while docker login is
// storing a credential (SIGTERM, SIGKILL), a pipeline cancelled mid-stage, a post step whose first
// cleanup fails, and a registry token requested without a profile, with a key OCI refuses, from an
// endpoint that answers without a token or never answers. Each must end in one line (or success),
// show no secret, and leave nothing behind after post.
import type { Server } from "node:http";
import { closeServer, serveHttpsOnLoopback } from "../../emulators/http/loopback-server.ts";
import { Job, type RunActionResult } from "../../runner/index.ts";
import { dockerStandIn, type StandInBehaviour } from "../../support/docker-stand-in.ts";
import type { OciFixture } from "../../support/oci-fixture.ts";
import { PIPELINE } from "../pipeline-fixture.ts";
import {
  actionOutcome,
  cliOutcome,
  type HostileArea,
  type HostileOutcome,
  sharedOciFixture,
} from "./hostile-case.ts";

const AUTH_TOKEN = `r7-ocir-${process.pid}-auth-token`;
const REGISTRY = "127.0.0.1:5996";
const SKIP_AFTER_LOGIN = "fn-deploy,gateway-deploy,entra-token,smoke-test";
let oci: OciFixture;
/** A token endpoint that answers 200 without a token, and one that never answers. */
let tokenless: { server: Server; url: string };
let silent: { server: Server; url: string };

const authTokenLogin = () => ({
  region: "ap-tokyo-1",
  registry: REGISTRY,
  namespace: oci.namespace,
  username: "ci-user",
  "auth-token": AUTH_TOKEN,
});
const dockerAuth = () => Buffer.from(`${oci.namespace}/ci-user:${AUTH_TOKEN}`).toString("base64");
/** Every registry token the emulator issued, and docker's stored form of each. */
const registryTokens = () =>
  oci.stack.oci.registryTokens.issued.flatMap((token) => [token, `BEARER_TOKEN:${token}`]);

interface JobPlan {
  /** Run fn-context first (its profile signs the registry token request). */
  context?: boolean;
  docker?: StandInBehaviour;
  action: string;
  inputs: Record<string, string>;
  env?: Record<string, string>;
  /** A change to the world for the action only (an API key OCI stops accepting), undone after it. */
  during?: { start(): void; end(): void };
}

/** One job: fn-context when asked, the action, then every post step, as RunActionResult. */
async function runJob(plan: JobPlan): Promise<RunActionResult> {
  const docker = plan.docker ? await dockerStandIn(plan.docker) : undefined;
  const job = await Job.create({ env: { ...oci.env, ...(docker ? { PATH: docker.path } : {}) } });
  try {
    const before = await job.snapshot();
    if (plan.context) {
      const context = await job.run("fn-context", { inputs: oci.inputs() });
      if (context.exitCode !== 0) throw new Error(`fn-context failed: ${context.stdout}`);
    }
    plan.during?.start();
    const main = await job
      .run(plan.action, { inputs: plan.inputs, env: plan.env ?? {} })
      .finally(() => plan.during?.end());
    const posts = await job.runPosts({ cancelled: main.signal !== null });
    return { main, posts, before, after: await job.snapshot(), writtenText: await job.allWrittenText() };
  } finally {
    await job.dispose();
    await docker?.dispose();
  }
}

/**
 * The outcome, with `shown` as what a log reader or a later job sees (Job.allWrittenText): every
 * step's log, outputs, exports, state and summary, every file left, and removed files that others
 * could read. A login in a 0600 config.json until the post step removes it is where it may live.
 */
function outcomeOf(
  run: RunActionResult,
  expect: HostileOutcome["expect"],
  secrets: string[],
): HostileOutcome {
  return { ...actionOutcome(run, expect, secrets), shown: run.writtenText };
}

/** A run cancelled on purpose: no error line is expected, only that post undid everything. */
function cancelled(run: RunActionResult, secrets: string[]): HostileOutcome {
  const outcome = outcomeOf(run, { message: /./ }, secrets);
  const killed = run.main.signal !== null;
  return {
    ...outcome,
    cancelled: killed,
    // Not killed means the stand-in never got the login: the case did not test what it says.
    ...(killed ? {} : { exitCode: 99, errorLines: ["the step was not cancelled mid-login"] }),
  };
}

export const area: HostileArea = {
  name: "ocir-login and cleanup under failure",
  async setup() {
    oci = await sharedOciFixture();
    tokenless = await serveHttpsOnLoopback(oci.stack.tls, "tokenless token endpoint", async (_req, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ expires_in: 3600, note: "no token here" }));
    });
    silent = await serveHttpsOnLoopback(oci.stack.tls, "silent token endpoint", () => new Promise(() => {}));
  },
  async teardown() {
    for (const started of [tokenless, silent]) if (started) await closeServer(started.server);
  },
  cases: [
    {
      name: "ocir-login: run cancelled (SIGTERM) right after docker stored the auth token",
      async run() {
        const run = await runJob({
          docker: { killParentAfterLogin: "TERM" },
          action: "ocir-login",
          inputs: authTokenLogin(),
        });
        return cancelled(run, [AUTH_TOKEN, dockerAuth()]);
      },
    },
    {
      name: "ocir-login with a registry token: run killed (SIGKILL) right after docker stored it",
      async run() {
        const run = await runJob({
          context: true,
          docker: { killParentAfterLogin: "KILL" },
          action: "ocir-login",
          inputs: { region: "ap-tokyo-1", registry: REGISTRY },
        });
        return cancelled(run, registryTokens());
      },
    },
    {
      name: "pipeline: run cancelled in its ocir-login stage, after fn-context wrote the key",
      async run() {
        const run = await runJob({
          docker: { killParentAfterLogin: "TERM" },
          action: PIPELINE,
          inputs: { ...oci.inputs(), ...authTokenLogin(), skip: SKIP_AFTER_LOGIN },
        });
        return cancelled(run, [AUTH_TOKEN, dockerAuth(), oci.key.pkcs8]);
      },
    },
    {
      name: "pipeline: the post step's first cleanup (docker logout) fails; the rest still runs",
      async run() {
        const run = await runJob({
          docker: { logoutFails: "Error: credential helper docker-credential-desktop not found" },
          action: PIPELINE,
          inputs: { ...oci.inputs(), ...authTokenLogin(), skip: SKIP_AFTER_LOGIN },
        });
        const outcome = outcomeOf(run, { success: true }, [AUTH_TOKEN, dockerAuth(), oci.key.pkcs8]);
        const warned = run.posts.some((post) =>
          post.annotations.some((note) => /^cleanup failed: docker logout /.test(note.message)),
        );
        return warned
          ? outcome
          : { ...outcome, exitCode: 98, errorLines: ["the failed logout was not named"] };
      },
    },
    {
      name: "ocir-login: no auth-token and no OCI profile",
      async run() {
        const { "auth-token": _token, ...inputs } = authTokenLogin();
        const run = await runJob({ action: "ocir-login", inputs });
        return outcomeOf(
          run,
          {
            message:
              /^auth-token is not set and there is no OCI profile .*run fn-context earlier.*or set auth-token and username/,
          },
          [],
        );
      },
    },
    {
      name: "ocir-login: a registry token signed with an API key OCI no longer accepts",
      async run() {
        const { state } = oci.stack.oci;
        const run = await runJob({
          context: true,
          action: "ocir-login",
          inputs: { region: "ap-tokyo-1", registry: REGISTRY, namespace: oci.namespace },
          during: {
            start: () => state.removeApiKey(oci.userId, oci.key.fingerprint),
            end: () => state.addApiKey(oci.userId, oci.key.publicPem),
          },
        });
        return outcomeOf(
          run,
          {
            message:
              /^ocir-login: OCI refused the signed registry token request to https:\/\/127\.0\.0\.1:\d+\/20180419\/docker\/token \(401 NotAuthenticated, opc-request-id \S+\): the API key of fn-context's profile is not accepted: .*; or set auth-token and username/,
          },
          [oci.key.pkcs8, ...registryTokens()],
        );
      },
    },
    {
      name: "ocir-login: the token endpoint answers 200 without a token",
      async run() {
        const run = await runJob({
          context: true,
          action: "ocir-login",
          inputs: { region: "ap-tokyo-1", registry: REGISTRY, namespace: oci.namespace },
          env: { FNGATE_OCI_ENDPOINT: tokenless.url },
        });
        return outcomeOf(
          run,
          { message: /^ocir-login: the registry token request to .* answered 200 without a token/ },
          [oci.key.pkcs8],
        );
      },
    },
    {
      name: "ocir-login: the token endpoint never answers (deadline-minutes 0.05)",
      async run() {
        const run = await runJob({
          context: true,
          action: "ocir-login",
          inputs: {
            region: "ap-tokyo-1",
            registry: REGISTRY,
            namespace: oci.namespace,
            "deadline-minutes": "0.05",
          },
          env: { FNGATE_OCI_ENDPOINT: silent.url },
        });
        return outcomeOf(run, { message: /^deadline-minutes \(0\.05\) reached while .*registry token/ }, [
          oci.key.pkcs8,
        ]);
      },
    },
    {
      name: "CLI: fngate ocir-login with neither an auth token nor a profile",
      run: () =>
        cliOutcome(
          ["ocir-login", "--region", "ap-tokyo-1", "--namespace", oci.namespace],
          {},
          {
            message: /^auth-token is not set and there is no OCI profile .*or set auth-token and username/,
          },
          [],
          { env: { PATH: "/nonexistent" } },
        ),
    },
  ],
};
