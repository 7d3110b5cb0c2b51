// Keeps one warm FdkContainer per function, started on the first invoke and reused after, the
// way Fn keeps hot containers. A function whose image, config or memory changed gets a fresh
// container; close() stops them all, so no function process outlives the emulator.
import type { ApplicationRecord, FunctionRecord } from "../functions-store.ts";
import { type FdkCall, FdkContainer, type FdkResponse } from "./fdk-container.ts";

interface Warm {
  key: string;
  container: Promise<FdkContainer>;
}

/** How long a cold start may take before the invoke fails (Fn's container init timeout). */
const INIT_TIMEOUT_MS = 15_000;

export class FunctionRunner {
  readonly #warm = new Map<string, Warm>();
  /** The container that last served each function: its log keeps growing after a call returns. */
  readonly #lastContainer = new Map<string, { readonly logs: string }>();
  #closed = false;

  /** True when a live container for exactly this version of the function is running. */
  async isWarm(fn: FunctionRecord, application: ApplicationRecord, codeDir: string): Promise<boolean> {
    const warm = this.#warm.get(fn.id);
    if (!warm || warm.key !== containerKey(fn, application, codeDir)) return false;
    const container = await warm.container.catch(() => undefined);
    return container?.running ?? false;
  }

  async invoke(
    fn: FunctionRecord,
    application: ApplicationRecord,
    codeDir: string,
    call: FdkCall,
  ): Promise<FdkResponse> {
    if (this.#closed) throw new Error("the function runner is closed");
    const container = await this.#containerFor(fn, application, codeDir);
    this.#lastContainer.set(fn.id, container);
    return container.call(call);
  }

  /** What the function's current (or last) container printed. */
  logs(functionId: string): string {
    return this.#lastContainer.get(functionId)?.logs ?? "";
  }

  async close(): Promise<void> {
    this.#closed = true;
    const all = [...this.#warm.values()];
    this.#warm.clear();
    await Promise.all(
      all.map((warm) =>
        warm.container.then(
          (container) => container.stop(),
          () => undefined,
        ),
      ),
    );
  }

  async #containerFor(
    fn: FunctionRecord,
    application: ApplicationRecord,
    codeDir: string,
  ): Promise<FdkContainer> {
    const key = containerKey(fn, application, codeDir);
    const current = this.#warm.get(fn.id);
    if (current?.key === key) {
      const container = await current.container.catch(() => undefined);
      if (container?.running) return container;
    }
    if (current) {
      this.#warm.delete(fn.id);
      void current.container.then(
        (container) => container.stop(),
        () => undefined,
      );
    }
    const started = FdkContainer.start(codeDir, environmentOf(fn, application), INIT_TIMEOUT_MS);
    this.#warm.set(fn.id, { key, container: started });
    try {
      return await started;
    } catch (error) {
      if (this.#warm.get(fn.id)?.container === started) this.#warm.delete(fn.id);
      throw error;
    }
  }
}

/** Everything that, when changed, makes Fn start a new container rather than reuse a hot one. */
function containerKey(fn: FunctionRecord, application: ApplicationRecord, codeDir: string): string {
  return JSON.stringify([fn.image, fn.imageDigest, fn.memoryInMBs, application.config, fn.config, codeDir]);
}

/** The variables OCI sets in a function container: app config, then function config, then FN_*. */
function environmentOf(fn: FunctionRecord, application: ApplicationRecord): Record<string, string> {
  return {
    PATH: "/usr/local/bin:/usr/bin:/bin",
    ...application.config,
    ...fn.config,
    FN_APP_ID: application.id,
    FN_APP_NAME: application.displayName,
    FN_FN_ID: fn.id,
    FN_FN_NAME: fn.displayName,
    FN_MEMORY: String(fn.memoryInMBs),
    FN_TYPE: "sync",
  };
}
