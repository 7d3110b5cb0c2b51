// What Function Compute 3.0 fills in on a function it creates, so GetFunction answers with settings
// the deployer never sent. The fields are the Function struct's
// (https://www.alibabacloud.com/help/en/functioncompute/api-fc-2023-03-30-struct-function), the
// values these:
// - memorySize 512 and timeout 3 s when not given, diskSize 512 MB (of 512 and 10240), internetAccess
//   true ("默认值为 true"), instanceConcurrency 1, per CreateFunctionInput
//   (https://help.aliyun.com/zh/functioncompute/fc-3-0/developer-reference/api-fc-2023-03-30-struct-createfunctioninput
//   and https://www.alibabacloud.com/help/en/functioncompute/api-fc-2023-03-30-struct-createfunctioninput).
// - cpu: CreateFunctionInput requires "the ratio of cpu to memorySize (in GB) ... between 1:1 and 1:4"
//   but documents no default; FC picks one inside that window. The emulator uses 0.35 vCPU for 512 MB
//   and scales it with the memory it is created with, rounded to FC's 0.05 vCPU step.
// - role "", environmentVariables {}, description "", layers [] and an empty logConfig and
//   tracingConfig: the struct's members come back present even when unset.
// Defaults apply at creation; an update changes only the fields it sends, as UpdateFunction does.
export const FUNCTION_DEFAULTS = {
  memorySize: 512,
  timeout: 3,
  diskSize: 512,
  internetAccess: true,
  instanceConcurrency: 1,
  role: "",
  description: "",
} as const;

/** The fields a new function starts with before the request's own are applied. */
export function functionDefaults(fields: Record<string, unknown>): Record<string, unknown> {
  const memory = typeof fields.memorySize === "number" ? fields.memorySize : FUNCTION_DEFAULTS.memorySize;
  return {
    ...FUNCTION_DEFAULTS,
    cpu: defaultCpu(memory),
    environmentVariables: {},
    layers: [],
    logConfig: {},
    tracingConfig: {},
  };
}

/** 0.35 vCPU per 512 MB, in 0.05 steps, kept inside the documented 1:1 to 1:4 vCPU:GB window. */
export function defaultCpu(memorySize: number): number {
  const gigabytes = memorySize / 1024;
  const scaled = Math.round((gigabytes * 0.7) / 0.05) * 0.05;
  const bounded = Math.min(Math.max(scaled, gigabytes / 4, 0.05), gigabytes, 16);
  return Math.round(bounded * 100) / 100;
}
