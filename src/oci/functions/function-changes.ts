/**
 * No-op detection for a deployed function: which of the settings fngate manages differ from what is
 * deployed. An empty list means a re-run must make no mutating call.
 */
export interface FunctionSettings {
  /** The tag reference shown in the console; a re-tag with the same digest still updates it. */
  image: string;
  imageDigest: string;
  memoryInMBs: number;
  timeoutInSeconds: number;
  config: Record<string, string>;
}

export type SettingName = keyof FunctionSettings;

/**
 * The managed settings of a function as GetFunction shows it; everything else OCI answers with (shape,
 * tags added by tag defaults such as Oracle-Tags, provisioned concurrency, trace config, endpoints,
 * times) is not fngate's and is left out of the comparison.
 */
export function deployedSettings(fn: {
  image?: string | undefined;
  imageDigest?: string | undefined;
  memoryInMBs?: number | undefined;
  timeoutInSeconds?: number | undefined;
  config?: Record<string, string> | undefined | null;
}): Partial<FunctionSettings> {
  return {
    ...(fn.image ? { image: fn.image } : {}),
    ...(fn.imageDigest ? { imageDigest: fn.imageDigest } : {}),
    ...(fn.memoryInMBs === undefined || fn.memoryInMBs === null ? {} : { memoryInMBs: fn.memoryInMBs }),
    ...(fn.timeoutInSeconds === undefined || fn.timeoutInSeconds === null
      ? {}
      : { timeoutInSeconds: fn.timeoutInSeconds }),
    config: fn.config ?? {},
  };
}

export function changedSettings(
  current: Partial<FunctionSettings>,
  desired: FunctionSettings,
): SettingName[] {
  const changed: SettingName[] = [];
  if (current.image !== desired.image) changed.push("image");
  if (current.imageDigest !== desired.imageDigest) changed.push("imageDigest");
  if (current.memoryInMBs !== desired.memoryInMBs) changed.push("memoryInMBs");
  if (current.timeoutInSeconds !== desired.timeoutInSeconds) changed.push("timeoutInSeconds");
  if (!sameConfig(current.config ?? {}, desired.config)) changed.push("config");
  return changed;
}

function sameConfig(a: Record<string, string>, b: Record<string, string>): boolean {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((key) => b[key] === a[key]);
}
