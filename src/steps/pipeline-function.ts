import { mayPullFrom } from "../docker/dockerfile-stages.ts";
import type { StepContext } from "../step-context.ts";
import { deployFunction, type FnDeployInputs, type FnDeployTools } from "./fn-deploy.ts";
import { lookUpApplication, type PreparedFunction, prepareFunction } from "./fn-deploy-prepare.ts";
import { type EarlyRegistryLogin, ocirLogin } from "./ocir-login.ts";
import type { PipelineHost, PipelineInputs } from "./pipeline.ts";
import type { DeployState } from "./pipeline-deploy.ts";
import { type HandOver, handOver, sideBySide } from "./side-by-side.ts";

/**
 * ocir-login and fn-deploy's image (fn-image), both alongside preflight: the registry login, the
 * application's shape, the registry's answer to "built from this source before?" and, when it has
 * none, the docker build change nothing in the cloud or the registry. fn-image starts once ocir-login
 * has its credential, while docker login runs (a build or pull that may need that registry waits
 * for it). Then, once preflight has cleared the run and docker is logged in, fn-deploy writes: the
 * repository, the push (or the tag on the image reused), the function. The gateway gets the
 * function's OCID as soon as it exists.
 */
export async function functionBranch(
  inputs: PipelineInputs,
  ctx: StepContext,
  host: PipelineHost,
  state: DeployState,
  handovers: {
    cleared: Promise<void>;
    functionId: Pick<HandOver<string>, "give" | "fail">;
    /** Given once fn-image waits on the cloud and the registry (or will not run): preflight goes then. */
    underway: Pick<HandOver<void>, "give">;
  },
): Promise<void> {
  const { run, stage, profile } = state;
  const { functionId } = handovers;
  try {
    // The application (read-only, needs no registry) is looked up while ocir-login runs.
    const application =
      inputs.fnDeploy && profile
        ? lookUpApplication({ ...inputs.fnDeploy, ociProfile: profile }, ctx)
        : undefined;
    application?.catch(() => {}); // a miss is fn-image's error, if the run gets that far
    const login = registryLogin(inputs, host, state);
    let prepared: PreparedFunction | undefined;
    let fnDeploy: FnDeployInputs | undefined;
    let tools: FnDeployTools | undefined;
    try {
      // fn-image starts as soon as ocir-login knows its credential: docker login runs beside it.
      await sideBySide(ctx.signal, [
        (signal) => login.run({ ...ctx, signal }),
        async (signal) => {
          if (!inputs.fnDeploy || !profile) {
            handovers.underway.give();
            return;
          }
          const early = inputs.ocirLogin ? await login.credential : undefined;
          const given = inputs.fnDeploy;
          fnDeploy = {
            ...given,
            ociProfile: profile,
            ...(given.registry === undefined && early ? { registry: early.imagePrefix } : {}),
          };
          // The registry token the ocir-login stage got is renewed around the push when it would
          // expire; with the stage in this run, an older login's token is not.
          tools = {
            ...(await host.tools.fnDeploy(inputs.ocirLogin ? { tokenLogin: early?.tokenLogin } : undefined)),
            ...(state.builder ? { builder: state.builder } : {}),
          };
          const loggingIn = early ? login.alongside(tools, early) : tools;
          const imageTools = { ...loggingIn, onAsked: () => handovers.underway.give() };
          const ready = fnDeploy;
          prepared = await stage.alongside("fn-image", { ...ctx, signal }, (stageCtx) =>
            prepareFunction(ready, stageCtx, imageTools, application),
          );
        },
      ]);
    } catch (error) {
      await prepared?.image.release();
      throw error;
    } finally {
      handovers.underway.give();
    }
    if (!fnDeploy || !tools || !prepared) {
      functionId.fail(new Error("fn-deploy is not in this run"));
      return;
    }
    const [ready, deployTools, image] = [fnDeploy, tools, prepared];
    const deployed = await afterClearance(image, ctx, handovers.cleared, (waitedMs) =>
      stage.alongside(
        "fn-deploy",
        ctx,
        (stageCtx) =>
          deployFunction(
            ready,
            stageCtx,
            deployTools,
            {
              onFunction: (id) => {
                functionId.give(id);
                if (inputs.ocirLogin) host.onRegistryDone?.();
              },
            },
            image,
          ),
        waitedMs,
        "preflight",
      ),
    );
    run.deployed = deployed;
    run.changed ||= deployed.action !== "unchanged";
    host.output("function-id", deployed.functionId);
    host.output("image", deployed.image);
    host.output("digest", deployed.digest);
  } catch (error) {
    functionId.fail(error);
    throw error;
  }
}

/**
 * The ocir-login stage, when it is in the run, and what fn-image may use before it ends: the
 * credential (to ask the registry for an image built from the same source) as soon as it is known,
 * and the finished login for a build that may pull from that registry (see mayPullFrom).
 */
function registryLogin(
  inputs: PipelineInputs,
  host: PipelineHost,
  { stage, profile, namespace }: DeployState,
) {
  const credential = handOver<EarlyRegistryLogin>();
  const done = handOver<void>();
  let loggedIn = false;
  return {
    credential: credential.promise,
    async run(ctx: StepContext): Promise<void> {
      if (!inputs.ocirLogin) return;
      const given = inputs.ocirLogin.namespace ?? namespace;
      const login = {
        ...inputs.ocirLogin,
        ...(given ? { namespace: given } : {}),
        ...(profile ? { ociProfile: profile } : {}),
      };
      try {
        const result = await stage.alongside("ocir-login", ctx, async (stageCtx) =>
          ocirLogin(login, stageCtx, await host.tools.ocir(), {
            onCleanup: (next) => host.onOcirCleanup(next),
            onCredential: (known) => credential.give(known),
          }),
        );
        host.output("namespace", result.namespace);
        loggedIn = true;
        done.give();
      } catch (error) {
        credential.fail(error);
        done.fail(error);
        throw error;
      }
    },
    /** fn-image's tools while docker login may still run: the credential in memory, any pull gated. */
    alongside(tools: FnDeployTools, early: EarlyRegistryLogin): FnDeployTools {
      const stored = tools.storedLogin;
      const known = { username: early.username, password: early.password };
      return {
        ...tools,
        // Once docker holds the login, its own (renewed around a push) is the one to use.
        storedLogin: async (registryHost) =>
          registryHost !== early.registry
            ? stored?.(registryHost)
            : ((loggedIn ? await stored?.(registryHost) : undefined) ?? known),
        beforePull: (dockerfile) =>
          mayPullFrom(dockerfile, early.registry) ? done.promise : Promise.resolve(),
      };
    },
  };
}

/** Runs `deploy` once preflight has cleared the run; the prepared image is released if it never runs. */
async function afterClearance<T>(
  prepared: PreparedFunction,
  ctx: StepContext,
  cleared: Promise<void>,
  deploy: (waitedMs: number) => Promise<T>,
): Promise<T> {
  const waitStarted = ctx.now().getTime();
  try {
    await cleared;
  } catch (error) {
    await prepared.image.release();
    throw error;
  }
  // deployFunction releases the prepared image whatever happens.
  return deploy(ctx.now().getTime() - waitStarted);
}
