// The context a step gets from its adapter, for a test that runs a step itself in this process against
// the emulators: their endpoints, a logger that keeps the lines, the secrets it registers kept too, and
// the system's temp folder for the folders (for steps that write nothing there).
import { tmpdir } from "node:os";
import type { EndpointOverrides, StepContext } from "../../src/step-context.ts";

export type RecordingContext = StepContext & { logged: string[]; registered: string[] };

export function recordingStepContext(endpoints: EndpointOverrides = {}): RecordingContext {
  const logged: string[] = [];
  const registered: string[] = [];
  const log = (message: string) => {
    logged.push(message);
  };
  return {
    logged,
    registered,
    logger: { info: log, warning: log, debug: () => {}, group: (_name, work) => work() },
    secrets: { register: (value) => registered.push(value) },
    endpoints,
    proxy: {},
    ...{ homeDir: tmpdir(), tempDir: tmpdir(), workspaceDir: tmpdir() },
    now: () => new Date(),
  };
}
