import type { StepContext } from "../step-context.ts";
import { deployFunction, lookUpApplication, type PreparedFunction, prepareFunction } from "./fn-deploy.ts";
import { ocirLogin, type TokenLogin } from "./ocir-login.ts";
import type { PipelineHost, PipelineInputs } from "./pipeline.ts";
import type { DeployState } from "./pipeline-deploy.ts";
import type { HandOver } from "./side-by-side.ts";

/**
 * ocir-login, then fn-deploy's image (fn-image), both alongside preflight: the registry login, the
 * application's shape, the registry's answer to "built from this source before?" and, when it has
 * none, the docker build change nothing in the cloud or the registry. Then, once preflight has
 * cleared the run, fn-deploy writes: the repository, the push (or the tag on the image reused), the
 * function. The gateway gets the function's OCID as soon as it exists.
 */
export async function functionBranch(
  inputs: PipelineInputs,
  ctx: StepContext,
  host: PipelineHost,
  { run, stage, profile, namespace }: DeployState,
  handovers: { cleared: Promise<void>; functionId: Pick<HandOver<string>, "give" | "fail"> },
): Promise<void> {
  const { functionId } = handovers;
  try {
    // The application (read-only, needs no registry) is looked up while ocir-login runs.
    const application =
      inputs.fnDeploy && profile
        ? lookUpApplication({ ...inputs.fnDeploy, ociProfile: profile }, ctx)
        : undefined;
    application?.catch(() => {}); // a miss is fn-image's error, if the run gets that far
    let imagePrefix: string | undefined;
    let tokenLogin: TokenLogin | undefined;
    if (inputs.ocirLogin) {
      const given = inputs.ocirLogin.namespace ?? namespace;
      const login = {
        ...inputs.ocirLogin,
        ...(given ? { namespace: given } : {}),
        ...(profile ? { ociProfile: profile } : {}),
      };
      const result = await stage.alongside("ocir-login", ctx, async (stageCtx) =>
        ocirLogin(login, stageCtx, await host.tools.ocir(), {
          onCleanup: (next) => host.onOcirCleanup(next),
        }),
      );
      imagePrefix = result.imagePrefix;
      tokenLogin = result.tokenLogin;
      host.output("namespace", result.namespace);
    }
    if (!inputs.fnDeploy || !profile) {
      functionId.fail(new Error("fn-deploy is not in this run"));
      return;
    }
    const given = inputs.fnDeploy;
    const fnDeploy = {
      ...given,
      ociProfile: profile,
      ...(given.registry === undefined && imagePrefix ? { registry: imagePrefix } : {}),
    };
    // The registry token the ocir-login stage got is renewed around the push when it would expire;
    // with the stage in this run, an older login's token is not.
    const tools = await host.tools.fnDeploy(inputs.ocirLogin ? { tokenLogin } : undefined);
    const prepared = await stage.alongside("fn-image", ctx, (stageCtx) =>
      prepareFunction(fnDeploy, stageCtx, tools, application),
    );
    const deployed = await afterClearance(prepared, ctx, handovers.cleared, (waitedMs) =>
      stage.alongside(
        "fn-deploy",
        ctx,
        (stageCtx) =>
          deployFunction(
            fnDeploy,
            stageCtx,
            tools,
            {
              onFunction: (id) => {
                functionId.give(id);
                if (inputs.ocirLogin) host.onRegistryDone?.();
              },
            },
            prepared,
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
