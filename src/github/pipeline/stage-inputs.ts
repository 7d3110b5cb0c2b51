/**
 * The pipeline action offers each stage's inputs under the stage action's own names, except where two
 * stages would read one name differently. A rename to null means the pipeline does not offer that
 * input (it fills it in from an earlier stage, or it makes no sense in one step). Both the pipeline's
 * input reader and the generator of its action.yml use this table.
 */
export const STAGES = [
  "fn-context",
  "ocir-login",
  "fn-deploy",
  "gateway-deploy",
  "entra-token",
  "smoke-test",
] as const;
export type Stage = (typeof STAGES)[number];

export const PIPELINE_RENAMES: Record<Stage, Record<string, string | null>> = {
  "fn-context": { registry: null, profile: null, "context-name": null },
  "ocir-login": { logout: null },
  "fn-deploy": { registry: "image-prefix", wait: null, invoke: null },
  "gateway-deploy": { routes: null, wait: null },
  "entra-token": { "tenant-id": "entra-tenant-id" },
  "smoke-test": { token: null },
};
