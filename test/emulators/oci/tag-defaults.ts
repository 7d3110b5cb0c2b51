// Tag defaults: defined tags OCI adds to every resource created in a tenancy, whether or not the
// request carried tags. "In tenancies created after December 17, 2019, the Oracle-Tags tag namespace
// and two tag defaults are automatically added to the root compartment": CreatedBy (the principal's
// name) and CreatedOn (the creation time), filled from tag variables
// (https://docs.public.oneportal.content.oci.oraclecloud.com/en-us/iaas/Content/Tagging/Concepts/understandingautomaticdefaulttags.htm).
// They apply at creation only ("Tag defaults let you specify tags to be applied automatically to all
// resources, at the time of creation", https://docs.cloud.oracle.com/iaas/Content/Identity/Tasks/managingtagdefaults.htm),
// and a value the request gives for the same key wins over the default. A GetFunction or
// GetDeployment therefore answers with definedTags the deployer never sent: the classic reason a
// "compare everything" no-op check updates on every run.
//
// Every tenancy has the Oracle-Tags defaults unless a test replaces them with set() (an older
// tenancy, or one whose administrator deleted the namespace, has none).
import type { Json } from "../json.ts";

export interface TagDefault {
  namespace: string;
  key: string;
  /** A literal, or a tag variable: ${iam.principal.name} or ${oci.datetime}. */
  value: string;
}

// OCI's tag variables, written as OCI spells them (not JS templates).
// biome-ignore lint/suspicious/noTemplateCurlyInString: an OCI tag variable
export const PRINCIPAL_NAME = "${iam.principal.name}";
// biome-ignore lint/suspicious/noTemplateCurlyInString: an OCI tag variable
export const DATETIME = "${oci.datetime}";

export const ORACLE_TAGS_DEFAULTS: readonly TagDefault[] = [
  { namespace: "Oracle-Tags", key: "CreatedBy", value: PRINCIPAL_NAME },
  { namespace: "Oracle-Tags", key: "CreatedOn", value: DATETIME },
];

export type DefinedTags = Record<string, Json>;

export class TagDefaults {
  readonly #byTenancy = new Map<string, readonly TagDefault[]>();

  /** Replaces a tenancy's tag defaults; [] means none. */
  set(tenancyId: string, defaults: readonly TagDefault[]): void {
    this.#byTenancy.set(
      tenancyId,
      defaults.map((entry) => ({ ...entry })),
    );
  }

  of(tenancyId: string): readonly TagDefault[] {
    return this.#byTenancy.get(tenancyId) ?? ORACLE_TAGS_DEFAULTS;
  }

  /** The definedTags a resource is created with: the tenancy's defaults, then what was sent. */
  apply(
    tenancyId: string,
    sent: Json | undefined,
    context: { principalName: string; now: Date },
  ): DefinedTags {
    const tags: DefinedTags = {};
    for (const entry of this.of(tenancyId)) {
      tags[entry.namespace] = {
        ...tags[entry.namespace],
        [entry.key]: resolveVariable(entry.value, context),
      };
    }
    for (const [namespace, values] of Object.entries(sent ?? {})) {
      if (typeof values !== "object" || values === null) continue;
      tags[namespace] = { ...tags[namespace], ...(values as Json) };
    }
    return tags;
  }
}

// "The variable is replaced with data at the time that you apply the tag":
// https://docs.cloud.oracle.com/en-us/iaas/Content/Tagging/Tasks/usingtagvariables.htm
function resolveVariable(value: string, context: { principalName: string; now: Date }): string {
  return value
    .replaceAll(PRINCIPAL_NAME, context.principalName)
    .replaceAll(DATETIME, context.now.toISOString());
}

/** What a create route needs to tag a new resource as the signed-in caller. */
export interface TaggingContext {
  caller: { tenancyId: string; principalId: string } | undefined;
  state: { tagDefaults: TagDefaults; users: ReadonlyMap<string, { name: string }> };
  now: () => Date;
}

/** The definedTags a create request ends up with, for the caller's tenancy. */
export function definedTagsOnCreate(context: TaggingContext, sent: Json | undefined): DefinedTags {
  const caller = context.caller;
  if (!caller) return (sent as DefinedTags | undefined) ?? {};
  // A user's name, or the OCID of a principal the emulator knows no name for (a session).
  const principalName = context.state.users.get(caller.principalId)?.name ?? caller.principalId;
  return context.state.tagDefaults.apply(caller.tenancyId, sent, { principalName, now: context.now() });
}
