import { UserError } from "../errors.ts";

/** Where the SDK sends a product's requests: the host (with port) and the scheme. */
export interface ServiceEndpoint {
  host: string;
  protocol: "https" | "http";
}

export interface EndpointChoice {
  /** FNGATE_ALIBABA_ENDPOINT: one base URL serving FC, STS and the rest (private endpoints, emulators). */
  override?: string | undefined;
  region: string;
  /** FC 3.0's public endpoint is per account: <account id>.<region>.fc.aliyuncs.com. */
  accountId?: string | undefined;
}

export function fcEndpoint(choice: EndpointChoice): ServiceEndpoint {
  if (choice.override) return fromOverride(choice.override);
  if (!choice.accountId) {
    throw new UserError(
      "account-id is required: the Function Compute endpoint is <account id>.<region>.fc.aliyuncs.com; set account-id (or pass role / role-to-assume, whose ARN carries it).",
    );
  }
  return { host: `${choice.accountId}.${choice.region}.fc.aliyuncs.com`, protocol: "https" };
}

export function stsEndpoint(choice: EndpointChoice): ServiceEndpoint {
  if (choice.override) return fromOverride(choice.override);
  return { host: `sts.${choice.region}.aliyuncs.com`, protocol: "https" };
}

/** RAM is global: one endpoint for every region. */
export function ramEndpoint(choice: Pick<EndpointChoice, "override">): ServiceEndpoint {
  if (choice.override) return fromOverride(choice.override);
  return { host: "ram.aliyuncs.com", protocol: "https" };
}

function fromOverride(base: string): ServiceEndpoint {
  let url: URL;
  try {
    url = new URL(base);
  } catch {
    throw new UserError(
      `FNGATE_ALIBABA_ENDPOINT must be a base URL such as https://fc.internal.example; got ${JSON.stringify(base.slice(0, 80))}.`,
    );
  }
  if (url.protocol !== "https:" && url.protocol !== "http:")
    throw new UserError(
      `FNGATE_ALIBABA_ENDPOINT must start with https:// (or http:// to this machine); got ${url.protocol}.`,
    );
  return { host: url.host, protocol: url.protocol === "https:" ? "https" : "http" };
}

// Region ids as Alibaba spells them: cn-hangzhou, ap-southeast-1, us-west-1, eu-central-1.
const REGION = /^[a-z]{2,}(-[a-z0-9]+){1,3}$/;

export function checkRegion(value: string): string {
  if (!REGION.test(value)) {
    throw new UserError(
      `region must be an Alibaba Cloud region id such as cn-hangzhou or ap-southeast-1; got ${JSON.stringify(value.slice(0, 40))}.`,
    );
  }
  return value;
}
