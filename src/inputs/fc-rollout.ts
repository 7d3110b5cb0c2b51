import { UserError } from "../errors.ts";
import type { FcRolloutInputs, RolloutMode } from "../steps/fc-rollout.ts";
import type { InputReader } from "./reader.ts";

const MODES: readonly RolloutMode[] = ["verify-then-promote", "direct"];
// FC 3.0 alias names: as trigger names (letters, digits, '_' and '-', not starting with a digit or '-'),
// and never LATEST, which names the unpublished function.
const ALIAS = /^[A-Za-z_][A-Za-z0-9_-]{0,127}$/;

/** rollout, alias and traffic: how a new version reaches the HTTP trigger (undefined without one). */
export function readFcRollout(read: InputReader, hasTrigger: boolean): FcRolloutInputs | undefined {
  if (!hasTrigger) {
    for (const setting of ["alias", "traffic"])
      read.field([setting, "http-trigger"], () => {
        if (read.optional(setting) !== undefined)
          throw new UserError(
            `${setting} applies to an HTTP trigger, which follows the alias: set http-trigger or remove ${setting}.`,
          );
      });
    return undefined;
  }
  const mode = read.field("rollout", () => {
    const value = read.optional("rollout") ?? "verify-then-promote";
    if (!(MODES as readonly string[]).includes(value))
      throw new UserError(
        `rollout must be verify-then-promote (publish a version, check it, then move the alias) or direct (the trigger runs the latest code at once); got ${JSON.stringify(value.slice(0, 40))}.`,
      );
    return value as RolloutMode;
  });
  const alias = read.field("alias", () => {
    const value = read.optional("alias") ?? "live";
    if (!ALIAS.test(value) || value === "LATEST")
      throw new UserError(
        `alias must be 1-128 letters, digits, '_' or '-', not starting with a digit or '-', and not LATEST, such as live; got ${JSON.stringify(value.slice(0, 40))}.`,
      );
    return value;
  });
  const traffic = read.field("traffic", () => {
    const text = read.optional("traffic") ?? "100";
    const value = Number(text.replace(/%$/, ""));
    if (!Number.isInteger(value) || value < 1 || value > 100)
      throw new UserError(
        `traffic must be a whole percentage from 1 to 100 (such as 10 for a canary, 100 to promote); got ${JSON.stringify(text.slice(0, 20))}.`,
      );
    return value;
  });
  read.field(["traffic", "rollout"], () => {
    if (mode === "direct" && traffic !== 100)
      throw new UserError(
        "traffic needs rollout verify-then-promote: a canary share is given to a published version through the alias.",
      );
  });
  return { mode, alias, traffic };
}
