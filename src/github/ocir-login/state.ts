import * as core from "@actions/core";
import type { OcirCleanup } from "../../steps/ocir-login.ts";

/** What crosses from ocir-login's main step to its post step: the host and file backups, no secret. */
const CLEANUP = "cleanup";

export function saveCleanup(cleanup: OcirCleanup): void {
  core.saveState(CLEANUP, JSON.stringify(cleanup));
}

export function loadCleanup(): OcirCleanup | undefined {
  const raw = core.getState(CLEANUP);
  return raw ? (JSON.parse(raw) as OcirCleanup) : undefined;
}
