/** The ingress input's words and the API's IngressTraffic enum, which arrives as a name or a number. */
export const INGRESS_CHOICES = ["all", "internal", "internal-and-cloud-load-balancing"] as const;
export type Ingress = (typeof INGRESS_CHOICES)[number];

const ENUM_NAMES: Record<Ingress, string> = {
  all: "INGRESS_TRAFFIC_ALL",
  internal: "INGRESS_TRAFFIC_INTERNAL_ONLY",
  "internal-and-cloud-load-balancing": "INGRESS_TRAFFIC_INTERNAL_LOAD_BALANCER",
};

// google.cloud.run.v2.IngressTraffic numbers; the REST client asks for enum-encoding=int.
const ENUM_BY_NUMBER = [
  "INGRESS_TRAFFIC_UNSPECIFIED",
  "INGRESS_TRAFFIC_ALL",
  "INGRESS_TRAFFIC_INTERNAL_ONLY",
  "INGRESS_TRAFFIC_INTERNAL_LOAD_BALANCER",
  "INGRESS_TRAFFIC_NONE",
];

export function ingressEnum(ingress: Ingress): string {
  return ENUM_NAMES[ingress];
}

/** The enum name for a value in either form; unspecified means "all", as the API applies it. */
export function normalizeIngress(value: unknown): string {
  const name = typeof value === "number" ? (ENUM_BY_NUMBER[value] ?? String(value)) : String(value ?? "");
  return name === "" || name === "INGRESS_TRAFFIC_UNSPECIFIED" ? "INGRESS_TRAFFIC_ALL" : name;
}

export function ingressWord(value: unknown): string {
  const name = normalizeIngress(value);
  const entry = Object.entries(ENUM_NAMES).find(([, enumName]) => enumName === name);
  return entry ? entry[0] : name;
}
