import {
  closeSync,
  constants,
  fchmodSync,
  mkdirSync,
  openSync,
  readFileSync,
  rmdirSync,
  rmSync,
  writeSync,
} from "node:fs";
import { join } from "node:path";
import type { RestorePlan } from "../fs/restore-plan.ts";
import type { OcirCleanup } from "../steps/ocir-login.ts";

/**
 * What a standalone `fngate fn-context` or `fngate ocir-login` changed, kept for `fngate cleanup` (the
 * CLI's counterpart of the actions' post steps). Paths and names only, never a secret; one JSON file,
 * mode 0600, under ~/.fngate, removed with its folder once everything is undone. Synchronous on
 * purpose: the record must be on disk before the step writes its first file, even if it is killed.
 */
export interface CleanupRecords {
  fnContext: RestorePlan[];
  ocirLogin: OcirCleanup[];
}

export interface CleanupStore {
  load(): CleanupRecords;
  addFnContext(plan: RestorePlan): void;
  /** Adds the record, or replaces the one with the same restore plan (its backup folder). */
  putOcirLogin(cleanup: OcirCleanup): void;
  removeOcirLogin(cleanup: OcirCleanup): void;
  /** Keeps only these records (what a cleanup could not undo, for the next `fngate cleanup`). */
  keep(records: CleanupRecords): void;
  clear(): void;
}

export function cleanupStore(homeDir: string): CleanupStore {
  const dir = join(homeDir, ".fngate");
  const file = join(dir, "cleanup.json");
  const load = (): CleanupRecords => {
    try {
      const records = JSON.parse(readFileSync(file, "utf8")) as Partial<CleanupRecords>;
      return { fnContext: records.fnContext ?? [], ocirLogin: records.ocirLogin ?? [] };
    } catch {
      return { fnContext: [], ocirLogin: [] };
    }
  };
  const save = (records: CleanupRecords) => {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    // Never through a link planted at the path, and 0600 even when an older file was wider.
    const flags = constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC | constants.O_NOFOLLOW;
    const fd = openSync(file, flags, 0o600);
    try {
      fchmodSync(fd, 0o600);
      writeSync(fd, `${JSON.stringify(records, null, 2)}\n`);
    } finally {
      closeSync(fd);
    }
  };
  const clear = () => {
    rmSync(file, { force: true });
    try {
      rmdirSync(dir);
    } catch {
      // not empty (something else of the user's) or already gone
    }
  };
  const others = (cleanup: OcirCleanup) =>
    load().ocirLogin.filter((entry) => entry.restorePlan.backupDir !== cleanup.restorePlan.backupDir);
  const keep = (records: CleanupRecords) =>
    records.fnContext.length + records.ocirLogin.length > 0 ? save(records) : clear();
  return {
    load,
    addFnContext: (plan) => save({ ...load(), fnContext: [...load().fnContext, plan] }),
    putOcirLogin: (cleanup) => save({ ...load(), ocirLogin: [...others(cleanup), cleanup] }),
    removeOcirLogin: (cleanup) => keep({ ...load(), ocirLogin: others(cleanup) }),
    keep,
    clear,
  };
}
