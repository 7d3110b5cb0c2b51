/**
 * What the AADSTS codes users actually hit in CI mean, and what to do. Entra's own descriptions are long
 * and generic; a user needs the cause.
 */
const MEANINGS: Record<string, string> = {
  AADSTS7000215: "the client secret is wrong (check that the secret's Value, not its ID, was stored)",
  AADSTS7000222: "the client secret has expired: create a new one in the app registration",
  AADSTS700016: "no application with this client-id exists in the tenant (check client-id and tenant-id)",
  AADSTS90002: "the tenant does not exist (check tenant-id and authority-host)",
  AADSTS500011:
    "the resource in scope is not found in the tenant: scope must be <Application ID URI of the API app>/.default and the API app must exist there",
  AADSTS70011: "the scope is invalid: client credentials need <Application ID URI>/.default",
  AADSTS1002012: "the scope is invalid: client credentials need <Application ID URI>/.default",
  AADSTS700027:
    "the client assertion is invalid: the certificate is not registered on the app, or its signature, audience or lifetime is wrong",
  AADSTS700024: "the client assertion is expired or not yet valid: check the runner's clock",
  AADSTS70021:
    "no federated identity credential matches the GitHub token: its issuer, subject (e.g. repo:ORG/REPO:ref:refs/heads/main or environment:NAME) and audience must match one on the app",
  AADSTS700211: "no federated identity credential matches the token's issuer",
  AADSTS700213: "no federated identity credential matches the token's subject",
  AADSTS50013: "the assertion's audience is wrong",
};

export function explainAadsts(description: string): string {
  const code = /AADSTS\d+/.exec(description)?.[0];
  if (!code) return description.split(/\r?\n/)[0] ?? description;
  const meaning = MEANINGS[code];
  const first = (description.split(/\r?\n/)[0] ?? "").replace(/\s*Trace ID:.*$/, "").trim();
  return meaning ? `${code}: ${meaning}` : first || code;
}
