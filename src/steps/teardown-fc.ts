import { resolveKeys } from "../alibaba/credentials.ts";
import { fcEndpoint } from "../alibaba/endpoints.ts";
import { explainFcFailure } from "../alibaba/fc-failure.ts";
import { LabelledFunctions } from "../alibaba/labelled-functions.ts";
import { FcClient } from "../alibaba/sdk.ts";
import { sdkConfig } from "../alibaba/sdk-config.ts";
import { RUN_LABEL_KEY } from "../run-label.ts";
import type { StepContext } from "../step-context.ts";
import {
  DELETION_WAIT_MS,
  type DeletedResource,
  type FcTeardownInputs,
  type TeardownResult,
} from "./teardown-types.ts";

/** Function Compute: the region's functions tagged with the run label, each with its triggers, aliases and versions. */
export async function teardownFc(inputs: FcTeardownInputs, ctx: StepContext): Promise<TeardownResult> {
  const credentials = inputs.credentials;
  const accountId =
    inputs.accountId ??
    (credentials.kind === "oidc" ? /^acs:ram::(\d+):/.exec(credentials.roleToAssume)?.[1] : undefined);
  const endpoint = fcEndpoint({ override: ctx.endpoints.alibaba, region: inputs.region, accountId });
  const keys = await resolveKeys(credentials, ctx, inputs.region);
  const api = new LabelledFunctions(new FcClient(sdkConfig(endpoint, keys)), ctx.signal);
  const explained = async <T>(operation: string, call: () => Promise<T>): Promise<T> => {
    try {
      return await call();
    } catch (error) {
      throw explainFcFailure(error, operation, "(none)") ?? error;
    }
  };
  const deleted: DeletedResource[] = [];
  const leftAlone: string[] = [];
  const { found, unverified } = await explained("ListFunctions", () => api.find(inputs.runLabel));
  for (const name of unverified) {
    const message = `function ${name} was listed for ${RUN_LABEL_KEY}=${inputs.runLabel} but Function Compute showed no tags for it: it is left as it is.`;
    leftAlone.push(message);
    ctx.logger.warning(message);
  }
  for (const fn of found) {
    ctx.logger.info(`Deleting function ${fn.name} (${fn.arn}).`);
    const gone = await explained("DeleteFunction", () =>
      api.delete(fn.name, (dependent) => {
        deleted.push({
          kind: dependent.kind,
          name: dependent.name,
          id: `${fn.arn}/${dependent.kind}s/${dependent.name}`,
        });
        ctx.logger.info(`Deleted ${dependent.kind} ${dependent.name} of function ${fn.name}.`);
      }),
    );
    if (!gone) continue;
    await explained("GetFunction", () => api.waitUntilGone(fn.name, DELETION_WAIT_MS, ctx.logger));
    deleted.push({ kind: "function", name: fn.name, id: fn.arn });
    ctx.logger.info(`Deleted function ${fn.name}.`);
  }
  return { cloud: "fc", runLabel: inputs.runLabel, deleted, leftAlone };
}
