import {
  checkPublicJwks,
  type HttpTriggerAuth,
  type HttpTriggerSpec,
  httpTriggerChanges,
  type PublicJwks,
} from "../alibaba/http-trigger.ts";
import type { FcTrigger } from "../alibaba/sdk.ts";
import { ENTRA_KEYS_REFUSAL, trustsEntraKeys } from "../alibaba/trigger-trust.ts";
import type { TriggersApi } from "../alibaba/triggers-api.ts";
import { UserError } from "../errors.ts";
import { readJwks } from "../http/key-confusion.ts";
import type { StepContext } from "../step-context.ts";

/** The HTTP trigger fc-deploy keeps: with auth jwt, its keys inline (jwks) or read at deploy time (jwksUrl). */
export interface FcHttpTriggerInputs {
  name: string;
  auth: HttpTriggerAuth;
  methods: string[];
  jwks?: PublicJwks;
  jwksUrl?: string;
  /** Where FC reads the token, such as header:Authorization:Bearer. */
  tokenLookup: string;
  /** Which claims FC forwards to the function (ClaimPassBy), such as header:aud:x-jwt-aud. */
  claimPassBy?: string;
  /** The user says the function checks aud and iss/tid itself (FC checks neither). */
  functionChecksClaims: boolean;
}

export interface FcHttpTriggerResult {
  url: string;
  /** "created", or what differed; empty when the trigger was already as asked. */
  changes: string[];
}

/**
 * Creates the function's HTTP trigger or brings it to the asked settings; an unchanged trigger gets
 * no call that changes anything. Returns the trigger's public URL.
 */
export async function ensureHttpTrigger(
  api: TriggersApi,
  functionName: string,
  spec: HttpTriggerSpec,
  ctx: StepContext,
  explained: <T>(operation: string, call: () => Promise<T>) => Promise<T>,
): Promise<FcHttpTriggerResult> {
  const current = await explained("GetTrigger", () => api.getTrigger(functionName, spec.name));
  let trigger: FcTrigger | undefined = current;
  let changes: string[];
  if (!current) {
    ctx.logger.info(`Creating HTTP trigger ${spec.name} (auth ${spec.auth}, ${spec.methods.join(", ")}).`);
    trigger = await explained("CreateTrigger", () => api.createHttpTrigger(functionName, spec));
    changes = ["created"];
  } else {
    changes = httpTriggerChanges(current, spec);
    if (changes.includes("type"))
      throw new UserError(
        `http-trigger: function ${functionName} already has a ${current.triggerType ?? "non-HTTP"} trigger named ${spec.name}: choose another http-trigger name.`,
      );
    if (changes.length === 0) {
      ctx.logger.info(`HTTP trigger ${spec.name} is up to date: nothing changed, no update made.`);
    } else {
      ctx.logger.info(`Updating HTTP trigger ${spec.name}: ${changes.join(", ")} changed.`);
      trigger = await explained("UpdateTrigger", () => api.updateHttpTrigger(functionName, spec));
    }
  }
  if (!trigger?.httpTrigger?.urlInternet)
    trigger = await explained("GetTrigger", () => api.getTrigger(functionName, spec.name));
  const url = trigger?.httpTrigger?.urlInternet;
  if (!url)
    throw new UserError(
      `http-trigger: Function Compute returned no public URL for trigger ${spec.name}: check that its Internet URL is not disabled in the FC console.`,
    );
  ctx.logger.info(`HTTP trigger ${spec.name}: ${url}`);
  return { url, changes };
}

/** The trigger as FC will hold it; a JWKS URL is read now, before fc-deploy changes anything. */
export async function httpTriggerSpec(
  inputs: FcHttpTriggerInputs,
  ctx: StepContext,
): Promise<HttpTriggerSpec> {
  const base = { name: inputs.name, auth: inputs.auth, methods: inputs.methods };
  if (inputs.auth !== "jwt") return base;
  let jwks = inputs.jwks;
  if (!jwks && inputs.jwksUrl) {
    const answer = await readJwks(inputs.jwksUrl, ctx.signal);
    if ("error" in answer)
      throw new UserError(
        `http-trigger-jwks-url: ${answer.error}: check the URL, or give the keys as http-trigger-jwks.`,
      );
    jwks = checkPublicJwks(answer, "http-trigger-jwks-url");
    // Entra's keys served from another address are still Entra's: any tenant's token would get in.
    if (trustsEntraKeys(undefined, jwks) && !inputs.functionChecksClaims)
      throw new UserError(ENTRA_KEYS_REFUSAL);
  }
  if (!jwks) throw new Error("jwt trigger without keys");
  const { tokenLookup, claimPassBy } = inputs;
  return { ...base, jwt: { jwks, tokenLookup, ...(claimPassBy ? { claimPassBy } : {}) } };
}
