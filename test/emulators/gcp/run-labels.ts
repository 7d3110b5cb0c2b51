// Label rules Cloud Run enforces on a service: Google's label requirements (at most 64 labels; keys 1-63
// characters starting with a lowercase letter, values 0-63; lowercase letters, digits, '_' and '-';
// https://cloud.google.com/resource-manager/docs/creating-managing-labels#requirements) and the
// system namespaces Cloud Run Admin API v2 rejects in user labels (run.googleapis.com,
// cloud.googleapis.com, serving.knative.dev, autoscaling.knative.dev; the v2 Service `labels` field).
const KEY = /^\p{Ll}[\p{Ll}\p{Lo}\p{N}_-]{0,62}$/u;
const VALUE = /^[\p{Ll}\p{Lo}\p{N}_-]{0,63}$/u;
const SYSTEM = [
  "run.googleapis.com",
  "cloud.googleapis.com",
  "serving.knative.dev",
  "autoscaling.knative.dev",
];

/** Why Cloud Run would refuse these labels, or undefined when it accepts them. */
export function labelProblem(labels: unknown): string | undefined {
  if (labels === undefined || labels === null) return undefined;
  if (typeof labels !== "object" || Array.isArray(labels)) return "service.labels must be a map of strings.";
  const entries = Object.entries(labels);
  if (entries.length > 64) return `service.labels has ${entries.length} labels; at most 64 are allowed.`;
  for (const [key, value] of entries) {
    if (SYSTEM.some((namespace) => key.startsWith(namespace))) {
      return `service.labels: the key '${key}' uses a system namespace and cannot be set.`;
    }
    if (!KEY.test(key)) return `service.labels: invalid label key '${key}'.`;
    if (typeof value !== "string" || !VALUE.test(value)) {
      return `service.labels: invalid value for label '${key}'.`;
    }
  }
  return undefined;
}
