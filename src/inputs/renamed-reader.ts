import type { InputReader } from "./reader.ts";

/**
 * A stage's view of the pipeline's inputs (see pipeline-stages.ts): `name` is read as `renames[name]`,
 * and a null rename is an input the pipeline does not offer (an earlier stage hands that value over).
 */
export function renamedReader(read: InputReader, renames: Record<string, string | null>): InputReader {
  const to = (name: string) => (name in renames ? renames[name] : name);
  return {
    optional(name, envFallback) {
      const renamed = to(name);
      return renamed ? read.optional(renamed, envFallback) : undefined;
    },
    required(name, envFallback) {
      const renamed = to(name);
      if (!renamed) throw new Error(`input ${name} is required but the pipeline does not offer it`);
      return read.required(renamed, envFallback);
    },
    boolean(name, fallback) {
      const renamed = to(name);
      return renamed ? read.boolean(renamed, fallback) : fallback;
    },
    mask: (value) => read.mask(value),
    missing: (inputs) => read.missing(inputs),
    // The pipeline's names, so a refusal under one stage skips the checks another stage makes of it.
    field: (inputs, check) =>
      read.field(
        (typeof inputs === "string" ? [inputs] : inputs).map((name) => to(name) ?? name),
        check,
      ),
  };
}
