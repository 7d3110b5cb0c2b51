import type { FcFunction } from "./sdk.ts";

/** The function fields fngate manages; everything else on the function is left as it is. */
export interface FunctionSpec {
  functionName: string;
  runtime: string;
  handler: string;
  memorySize: number;
  timeout: number;
  /** "" detaches a role, so that removing the input removes the role's credentials too. */
  role: string;
  environmentVariables: Record<string, string>;
  code:
    | { kind: "zip"; zipBase64: string; checksum: string }
    | { kind: "image"; image: string; port: number; acrInstanceId?: string };
}

/** FC 3.0 runs container images under this runtime name. */
export const CONTAINER_RUNTIME = "custom-container";

/** What GetFunction reports about the managed fields. */
export type DeployedFunction = Pick<
  FcFunction,
  | "runtime"
  | "handler"
  | "memorySize"
  | "timeout"
  | "role"
  | "environmentVariables"
  | "codeChecksum"
  | "customContainerConfig"
>;

/** The managed fields that differ between `current` and `desired`, by input name; empty means a no-op. */
export function functionChanges(current: DeployedFunction, desired: FunctionSpec): string[] {
  const changed: string[] = [];
  if (current.runtime !== desired.runtime) changed.push("runtime");
  // Containers have no handler to compare: FC keeps whatever it was created with.
  if (desired.code.kind === "zip" && current.handler !== desired.handler) changed.push("handler");
  if (current.memorySize !== desired.memorySize) changed.push("memory");
  if (current.timeout !== desired.timeout) changed.push("timeout");
  if ((current.role ?? "").toLowerCase() !== desired.role.toLowerCase()) changed.push("role");
  if (!sameVariables(current.environmentVariables ?? {}, desired.environmentVariables)) changed.push("env");
  if (desired.code.kind === "zip") {
    if (current.codeChecksum !== desired.code.checksum) changed.push("code-path");
  } else {
    const container = current.customContainerConfig;
    if (container?.image !== desired.code.image || (container.port ?? 9000) !== desired.code.port)
      changed.push("image");
    if ((container?.acrInstanceId ?? "") !== (desired.code.acrInstanceId ?? ""))
      changed.push("acr-instance-id");
  }
  return changed;
}

function sameVariables(a: Record<string, string>, b: Record<string, string>): boolean {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((key) => b[key] === a[key]);
}

/** The body fields CreateFunction and UpdateFunction share. */
export function functionFields(spec: FunctionSpec): Record<string, unknown> {
  return {
    runtime: spec.runtime,
    handler: spec.handler,
    memorySize: spec.memorySize,
    timeout: spec.timeout,
    role: spec.role,
    environmentVariables: spec.environmentVariables,
    ...(spec.code.kind === "zip"
      ? { code: { zipFile: spec.code.zipBase64 } }
      : {
          customContainerConfig: {
            image: spec.code.image,
            port: spec.code.port,
            ...(spec.code.acrInstanceId ? { acrInstanceId: spec.code.acrInstanceId } : {}),
          },
        }),
  };
}
