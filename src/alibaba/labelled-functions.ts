import { UserError } from "../errors.ts";
import { type BackoffOptions, pollUntil } from "../retry/backoff.ts";
import { RUN_LABEL_KEY } from "../run-label.ts";
import { FC_WAIT_BACKOFF, FcCalls, isFunctionMissing } from "./fc-calls.ts";
import { statusOf } from "./fc-failure.ts";
import {
  ListAliasesRequest,
  ListFunctionsRequest,
  ListFunctionVersionsRequest,
  ListTriggersRequest,
  Tag,
} from "./sdk.ts";

export interface LabelledFunction {
  name: string;
  arn: string;
}

export type Dependent = { kind: "trigger" | "alias" | "version"; name: string };

/** FC's page size limit (1-100). */
const LIMIT = 100;

/**
 * The Function Compute calls a teardown makes: find the functions tagged with the run label, and delete
 * one with what FC makes you delete first (triggers, then aliases, then versions, the order Serverless
 * Devs' fc3 `remove` uses). Retries 429/5xx/resets, nothing else.
 */
export class LabelledFunctions extends FcCalls {
  /**
   * Functions whose tags hold fngate-run=<label>. ListFunctions filters by tag; each function's own tags
   * are checked too, so a filter the service did not apply can never widen a teardown. A function whose
   * tags cannot be seen is reported in `unverified` and left alone.
   */
  async find(runLabel: string): Promise<{ found: LabelledFunction[]; unverified: string[] }> {
    const found: LabelledFunction[] = [];
    const unverified: string[] = [];
    let nextToken: string | undefined;
    do {
      const request = new ListFunctionsRequest({
        tags: [new Tag({ key: RUN_LABEL_KEY, value: runLabel })],
        limit: LIMIT,
        ...(nextToken ? { nextToken } : {}),
      });
      const page = (await this.retrying(() => this.client.listFunctions(request))).body;
      for (const listed of page?.functions ?? []) {
        const name = listed.functionName ?? "";
        const fn = listed.tags === undefined ? await this.get(name) : listed;
        if (!fn) continue;
        if (fn.tags === undefined) unverified.push(name);
        else if (fn.tags.some((tag) => tag.key === RUN_LABEL_KEY && tag.value === runLabel)) {
          found.push({ name, arn: fn.functionArn ?? name });
        }
      }
      nextToken = page?.nextToken || undefined;
    } while (nextToken);
    return { found, unverified };
  }

  /** Deletes the function's triggers, aliases and versions, then the function; false when it was gone. */
  async delete(name: string, onDeleted: (dependent: Dependent) => void): Promise<boolean> {
    try {
      for (const trigger of await this.#all("trigger", name)) {
        await this.#ignoringMissing(() => this.client.deleteTrigger(name, trigger));
        onDeleted({ kind: "trigger", name: trigger });
      }
      for (const alias of await this.#all("alias", name)) {
        await this.#ignoringMissing(() => this.client.deleteAlias(name, alias));
        onDeleted({ kind: "alias", name: alias });
      }
      for (const version of await this.#all("version", name)) {
        await this.#ignoringMissing(() => this.client.deleteFunctionVersion(name, version));
        onDeleted({ kind: "version", name: version });
      }
      await this.retrying(() => this.client.deleteFunction(name));
    } catch (error) {
      if (isFunctionMissing(error)) return false;
      throw error;
    }
    return true;
  }

  /** Polls GetFunction until FC answers FunctionNotFound. */
  /** `progress`: where a line every 20 s says the deletion is still going. */
  async waitUntilGone(
    name: string,
    deadlineMs: number,
    progress?: BackoffOptions["progress"],
  ): Promise<void> {
    const { value } = await pollUntil(async () => ((await this.get(name)) ? undefined : true), {
      ...FC_WAIT_BACKOFF,
      deadlineMs,
      ...(this.signal ? { signal: this.signal } : {}),
      describe: () => `waiting for function ${name} to be deleted`,
      ...(progress ? { progress } : {}),
    });
    if (!value) {
      throw new UserError(
        `function ${name} still exists ${Math.round(deadlineMs / 1000)} s after it was deleted: run teardown again later to confirm it is gone.`,
      );
    }
  }

  /** Every trigger name, alias name or version id of the function, across every page. */
  async #all(kind: Dependent["kind"], name: string): Promise<string[]> {
    const ids: string[] = [];
    let nextToken: string | undefined;
    do {
      const paging = { limit: LIMIT, ...(nextToken ? { nextToken } : {}) };
      if (kind === "trigger") {
        const page = (
          await this.retrying(() => this.client.listTriggers(name, new ListTriggersRequest(paging)))
        ).body;
        ids.push(...(page?.triggers ?? []).map((trigger) => trigger.triggerName ?? ""));
        nextToken = page?.nextToken || undefined;
      } else if (kind === "alias") {
        const page = (
          await this.retrying(() => this.client.listAliases(name, new ListAliasesRequest(paging)))
        ).body;
        ids.push(...(page?.aliases ?? []).map((alias) => alias.aliasName ?? ""));
        nextToken = page?.nextToken || undefined;
      } else {
        const request = new ListFunctionVersionsRequest(paging);
        const page = (await this.retrying(() => this.client.listFunctionVersions(name, request))).body;
        ids.push(...(page?.versions ?? []).map((version) => version.versionId ?? ""));
        nextToken = page?.nextToken || undefined;
      }
    } while (nextToken);
    return ids.filter(Boolean);
  }

  /** A dependent someone else deleted meanwhile is as good as deleted. */
  async #ignoringMissing(call: () => Promise<unknown>): Promise<void> {
    try {
      await this.retrying(call);
    } catch (error) {
      if (statusOf(error) === 404 && !isFunctionMissing(error)) return;
      throw error;
    }
  }
}
