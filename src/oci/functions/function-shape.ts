import { UserError } from "../../errors.ts";

/**
 * The processor shape an OCI Functions application runs its functions on. It is the application's
 * (CreateApplicationDetails.shape, fixed at creation, GENERIC_X86 when not given); CreateFunction and
 * UpdateFunction have no shape field, and a function's shape is read-only, "extracted from the image
 * manifest" (oci-functions model Function.shape). Every function image must carry the shape's
 * architecture: a single-architecture image or a multi-architecture index with that child image, and
 * for GENERIC_X86_ARM an index with both.
 * https://docs.oracle.com/en-us/iaas/Content/Functions/Tasks/functionsspecifyingcomputearchitectures.htm
 * https://docs.oracle.com/en-us/iaas/Content/Functions/Tasks/functionscreatingfunction-task.htm ("The
 * image architecture must be compatible with the application's shape")
 */
export const FUNCTION_SHAPES = ["GENERIC_X86", "GENERIC_ARM", "GENERIC_X86_ARM"] as const;
export type FunctionShape = (typeof FUNCTION_SHAPES)[number];

/** OCI's default when an application was created without a shape. */
export const DEFAULT_SHAPE: FunctionShape = "GENERIC_X86";

/** The linux architectures (as image configs name them) a shape runs, in the order fn builds them. */
export function architecturesOf(shape: FunctionShape): string[] {
  if (shape === "GENERIC_ARM") return ["arm64"];
  if (shape === "GENERIC_X86_ARM") return ["amd64", "arm64"];
  return ["amd64"];
}

/** The --platform one `docker build` makes for a shape; undefined when it takes a multi-arch index. */
export function buildPlatformOf(shape: FunctionShape): string | undefined {
  const architectures = architecturesOf(shape);
  return architectures.length === 1 ? `linux/${architectures[0]}` : undefined;
}

export function parseShape(value: string | undefined, inputName = "shape"): FunctionShape | undefined {
  const text = value?.trim().toUpperCase();
  if (!text) return undefined;
  const shape = FUNCTION_SHAPES.find((candidate) => candidate === text);
  if (!shape) {
    throw new UserError(
      `${inputName} ${JSON.stringify(value?.trim().slice(0, 40))} is not a Functions shape: use ${FUNCTION_SHAPES.join(", ")} (the application's shape).`,
    );
  }
  return shape;
}

/** The application's shape as GetApplication/ListApplications report it (absent means OCI's default). */
export function applicationShape(reported: string | undefined): FunctionShape {
  return FUNCTION_SHAPES.find((candidate) => candidate === reported) ?? DEFAULT_SHAPE;
}

/**
 * The shape fn-deploy builds for: the application's. A `shape` input is the workflow's statement of
 * what it builds for, so a mismatch stops the deploy before anything is created.
 */
export function shapeToUse(
  asked: FunctionShape | undefined,
  application: { displayName: string; shape: FunctionShape },
): FunctionShape {
  if (asked !== undefined && asked !== application.shape) {
    throw new UserError(
      `shape ${asked} does not match application ${application.displayName}'s shape ${application.shape}: OCI runs every function of an application on the shape fixed when the application was created. Set shape to ${application.shape} (or leave it empty), or deploy to an application created with shape ${asked}.`,
    );
  }
  return application.shape;
}
