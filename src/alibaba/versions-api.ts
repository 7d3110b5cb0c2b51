import { FcCalls } from "./fc-calls.ts";
import { statusOf } from "./fc-failure.ts";
import {
  CreateAliasInput,
  CreateAliasRequest,
  type FcAlias,
  type FcVersion,
  ListFunctionVersionsRequest,
  PublishFunctionVersionRequest,
  PublishVersionInput,
  UpdateAliasInput,
  UpdateAliasRequest,
} from "./sdk.ts";
import { errorCode } from "./sdk-errors.ts";

/** Where an alias sends invocations: its version, and a canary version with its share (0 to 1). */
export interface AliasTarget {
  versionId: string;
  canary?: { versionId: string; weight: number };
}

/** The FC 3.0 version and alias calls a rollout makes, retried as FcCalls are. */
export class VersionsApi extends FcCalls {
  /** The function's newest published version, or undefined when it has none. */
  async newestVersion(functionName: string): Promise<FcVersion | undefined> {
    let newest: FcVersion | undefined;
    let nextToken: string | undefined;
    do {
      const request = new ListFunctionVersionsRequest({ limit: 100, ...(nextToken ? { nextToken } : {}) });
      const page = (await this.retrying(() => this.client.listFunctionVersions(functionName, request))).body;
      for (const version of page?.versions ?? [])
        if (!newest || Number(version.versionId) > Number(newest.versionId)) newest = version;
      nextToken = page?.nextToken || undefined;
    } while (nextToken);
    return newest;
  }

  async publish(functionName: string, description: string): Promise<FcVersion> {
    const request = new PublishFunctionVersionRequest({ body: new PublishVersionInput({ description }) });
    const version = (await this.retrying(() => this.client.publishFunctionVersion(functionName, request)))
      .body;
    if (!version?.versionId) throw new Error("PublishFunctionVersion returned no versionId");
    return version;
  }

  /** The alias, or undefined when the function has none by that name. */
  async getAlias(functionName: string, aliasName: string): Promise<FcAlias | undefined> {
    try {
      return (await this.retrying(() => this.client.getAlias(functionName, aliasName))).body;
    } catch (error) {
      if (statusOf(error) === 404 && errorCode(error) === "AliasNotFound") return undefined;
      throw error;
    }
  }

  async createAlias(functionName: string, aliasName: string, target: AliasTarget): Promise<void> {
    const body = new CreateAliasInput({ aliasName, ...aliasFields(target) });
    await this.retrying(() => this.client.createAlias(functionName, new CreateAliasRequest({ body })));
  }

  async updateAlias(functionName: string, aliasName: string, target: AliasTarget): Promise<void> {
    const body = new UpdateAliasInput(aliasFields(target));
    await this.retrying(() =>
      this.client.updateAlias(functionName, aliasName, new UpdateAliasRequest({ body })),
    );
  }
}

/** Where an alias sends invocations now, as an AliasTarget. */
export function aliasTarget(alias: FcAlias): AliasTarget {
  const [canary] = Object.entries(alias.additionalVersionWeight ?? {}).filter(([, weight]) => weight > 0);
  return {
    versionId: alias.versionId ?? "",
    ...(canary ? { canary: { versionId: canary[0], weight: canary[1] } } : {}),
  };
}

export function sameTarget(a: AliasTarget, b: AliasTarget): boolean {
  return (
    a.versionId === b.versionId &&
    a.canary?.versionId === b.canary?.versionId &&
    Math.abs((a.canary?.weight ?? 0) - (b.canary?.weight ?? 0)) < 1e-9
  );
}

function aliasFields(target: AliasTarget) {
  return {
    versionId: target.versionId,
    // An empty map clears a canary left by an earlier rollout.
    additionalVersionWeight: target.canary ? { [target.canary.versionId]: target.canary.weight } : {},
  };
}
