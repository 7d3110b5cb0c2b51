import { UserError } from "./errors.ts";

/**
 * The label (OCI freeform tag, Google label, Function Compute tag) that marks what one run created, so
 * a teardown finds exactly that. One key and one value format for every cloud: the value follows the
 * strictest of the three, Google's label rules (lowercase letters, digits, '_' and '-', at most 63
 * characters; https://cloud.google.com/resource-manager/docs/creating-managing-labels#requirements),
 * which OCI freeform tags and FC tags (value up to 128 characters, key not starting with aliyun or acs:;
 * https://www.alibabacloud.com/help/en/functioncompute/fc/function-tags-management) accept as they are.
 */
export const RUN_LABEL_KEY = "fngate-run";

const RUN_LABEL = /^[a-z0-9][a-z0-9_-]{0,62}$/;

/** The run-label input checked, or undefined when it is not set. */
export function checkRunLabel(value: string | undefined, input = "run-label"): string | undefined {
  if (value === undefined) return undefined;
  const label = value.trim();
  if (label === "") return undefined;
  if (!RUN_LABEL.test(label)) {
    throw new UserError(
      `${input} must be 1-63 lowercase letters, digits, '-' or '_', starting with a letter or digit (a label value every cloud accepts), such as 1234567890-1; got ${JSON.stringify(label.slice(0, 80))}.`,
    );
  }
  return label;
}

/** The tags a resource gets when a labelled run creates it. */
export function runLabelTags(label: string | undefined): Record<string, string> | undefined {
  return label === undefined ? undefined : { [RUN_LABEL_KEY]: label };
}

/** Whether a resource's tags or labels carry this run's label. */
export function carriesRunLabel(tags: Record<string, unknown> | null | undefined, label: string): boolean {
  return tags?.[RUN_LABEL_KEY] === label;
}
