// CPU and memory as Cloud Run writes them in resources.limits, read as numbers so "1" and "1000m" (or
// "1Gi" and "1024Mi") compare equal: the API answers with its own spelling of what was sent.

/** Millicores for "1", "2", "0.5", "500m"; undefined when the text is no CPU quantity. */
export function cpuMillis(value: string): number | undefined {
  const millis = /^(\d{1,6})m$/.exec(value);
  if (millis) return Number(millis[1]);
  if (/^\d{1,3}(?:\.\d{1,3})?$/.test(value)) return Math.round(Number(value) * 1000);
  return undefined;
}

const MEMORY_UNITS: Readonly<Record<string, number>> = {
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  M: 10 ** 6,
  G: 10 ** 9,
};

/** Bytes for "512Mi", "2Gi", "1G"; undefined when the text is no memory quantity Cloud Run takes. */
export function memoryBytes(value: string): number | undefined {
  const match = /^(\d{1,6})(Mi|Gi|M|G)$/.exec(value);
  const unit = match?.[2] && MEMORY_UNITS[match[2]];
  return match && unit ? Number(match[1]) * unit : undefined;
}

export const MIB = 2 ** 20;
export const GIB = 2 ** 30;
