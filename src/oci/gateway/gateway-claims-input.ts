import { UserError } from "../../errors.ts";
import { keyValueLines } from "../../text/key-value-lines.ts";

/**
 * gateway-deploy's `required-claims`: claims a token must carry, beyond issuer and audience, for the
 * gateway to let it through. Each becomes one entry of the policy's verifyClaims, `{key, values,
 * isRequired: true}` (oci-apigateway's JsonWebTokenClaim): the claim must be present and, when values
 * are given, have one of them (an array claim such as Entra's `roles` passes when it holds one).
 * Separate lines must all hold, so `roles=Api.Read` and `roles=Api.Write` on two lines demand both.
 */
export interface RequiredClaim {
  key: string;
  /** Acceptable values; empty means the claim only has to be present. */
  values: string[];
  isRequired: true;
}

// A claim name: a JSON member name in practice, including URIs some issuers use.
const CLAIM_NAME = /^[A-Za-z0-9_.:/-]+$/;
/** Checked by the policy's own fields, or the gateway's own exp/nbf checks; a second check would only confuse. */
const OWN_FIELDS: Record<string, string> = {
  iss: "set issuers instead",
  aud: "set audiences instead",
  exp: "the gateway checks it already (max-clock-skew sets the allowance)",
  nbf: "the gateway checks it already (max-clock-skew sets the allowance)",
  iat: "it is a time, not a value to match",
};

/** One `claim=value[,value…]` (or a bare `claim`: present with any value) per line. */
export function readRequiredClaims(text: string | undefined): RequiredClaim[] {
  if (text === undefined) return [];
  const claims: RequiredClaim[] = [];
  for (const line of keyValueLines(text, { separator: "=", comments: true })) {
    const { key } = line;
    const where = `required-claims line ${line.number}`;
    if (!CLAIM_NAME.test(key)) {
      throw new UserError(
        `${where}: expected claim=value (e.g. roles=Api.Invoke or azp=<client id>), or a claim name alone.`,
      );
    }
    const why = OWN_FIELDS[key];
    if (why !== undefined) throw new UserError(`${where}: ${key} cannot be a required claim: ${why}.`);
    const listed = line.value?.split(",").map((value) => value.trim()) ?? [];
    const values = [...new Set(listed.filter(Boolean))];
    if (line.value !== undefined && values.length === 0) {
      throw new UserError(
        `${where}: ${key}= has no value; give one (or several, comma separated), or drop the =.`,
      );
    }
    claims.push({ key, values, isRequired: true });
  }
  return claims;
}
