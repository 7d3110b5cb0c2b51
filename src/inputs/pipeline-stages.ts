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

/** Every stage has one; the pipeline offers a single deadline for the whole run instead (PIPELINE_DEADLINE). */
const DEADLINE = { "deadline-minutes": null };

export const PIPELINE_RENAMES: Record<Stage, Record<string, string | null>> = {
  "fn-context": {
    registry: null,
    profile: null,
    "context-name": null,
    // entra-token reads client-id and client-secret for its Entra app; fn-context's are the identity domain's.
    "client-id": "oci-client-id",
    "client-secret": "oci-client-secret",
    ...DEADLINE,
  },
  "ocir-login": { logout: null, ...DEADLINE },
  "fn-deploy": { registry: "image-prefix", wait: null, invoke: null, ...DEADLINE },
  "gateway-deploy": { routes: null, wait: null, ...DEADLINE },
  "entra-token": { "tenant-id": "entra-tenant-id", ...DEADLINE },
  "smoke-test": { token: null, ...DEADLINE },
};

/** The pipeline's own deadline-minutes input: runMain enforces it over every stage together. */
export const PIPELINE_DEADLINE = {
  description:
    "Overall deadline for the whole pipeline (every stage together) in minutes; the step fails cleanly when it is reached, naming the stage and what it was waiting for (its post step still cleans up). Default 15.",
  required: false,
  default: "15",
};
