import type { InputReader } from "../github/inputs.ts";

/**
 * A stage's view of the pipeline's inputs, as the pipeline action reads them (see
 * src/inputs/pipeline-stages.ts): `name` is read as `renames[name]`, a null rename is an input the
 * pipeline does not offer, and `values` are what an earlier stage will supply.
 */
export function renamedReader(
  read: InputReader,
  renames: Record<string, string | null>,
  values: Record<string, string> = {},
): InputReader {
  const to = (name: string) => (name in renames ? renames[name] : name);
  return {
    optional(name, envFallback) {
      if (name in values) return values[name];
      const renamed = to(name);
      return renamed ? read.optional(renamed, envFallback) : undefined;
    },
    required(name, envFallback) {
      const value = values[name];
      if (value !== undefined) return value;
      const renamed = to(name);
      if (!renamed) throw new Error(`input ${name} is required but not offered`);
      return read.required(renamed, envFallback);
    },
    boolean(name, fallback) {
      const renamed = to(name);
      return renamed ? read.boolean(renamed, fallback) : fallback;
    },
    mask: (value) => read.mask(value),
  };
}
