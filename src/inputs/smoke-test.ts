import { UserError } from "../errors.ts";
import { parseBodyExpectation } from "../http/expect-body.ts";
import { readExpiredToken } from "../http/expired-token.ts";
import {
  ALL_NEGATIVE_CHECKS,
  DEFAULT_NEGATIVE_CHECKS,
  type NegativeCheck,
  TOKEN_INPUT_CHECKS,
} from "../http/token-variants.ts";
import type { SmokeTarget, SmokeTestSettings } from "../steps/smoke-stage.ts";
import type { SmokeTestInputs } from "../steps/smoke-test.ts";
import { keyValueLines } from "../text/key-value-lines.ts";
import { type InputReader, withDefined } from "./reader.ts";

const METHODS = new Set(["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]);

/** The smoke-test inputs; tokens and header values are masked before anything else is read. */
export function readSmokeTestInputs(read: InputReader): SmokeTestInputs {
  const settings = readSmokeTestSettings(read, { jwksGiven: read.optional("jwks-uri") !== undefined });
  return { ...settings, ...readSmokeTarget(read) };
}

export function readSmokeTarget(read: InputReader): SmokeTarget {
  const url = read.required("url");
  const jwksUri = read.optional("jwks-uri");
  return withDefined<SmokeTarget>(
    { url },
    { jwksUri: read.field("jwks-uri", () => jwksUri && httpsUrl(jwksUri.trim(), "jwks-uri")) },
  );
}

/**
 * Everything but the target. `jwksGiven` says whether a JWKS will be known (given as jwks-uri, or the
 * one the pipeline's gateway trusts): hs256-key-confusion, listed by name, needs one.
 */
export function readSmokeTestSettings(
  read: InputReader,
  { jwksGiven }: { jwksGiven: boolean },
): SmokeTestSettings {
  const token = read.optional("token");
  const refusedToken = read.optional("refused-token");
  const expiredToken = read.optional("expired-token");
  for (const secret of [token, refusedToken, expiredToken]) if (secret) read.mask(secret);
  const headers = read.field("headers", () => parseHeaders(read.optional("headers") ?? ""));
  for (const value of Object.values(headers ?? {})) read.mask(value);

  const listed = read.optional("negative-checks");
  const settings: SmokeTestSettings = {
    method: read.field("method", () => {
      const method = (read.optional("method") ?? "GET").toUpperCase();
      if (!METHODS.has(method))
        throw new UserError(`method ${JSON.stringify(method)} must be one of ${[...METHODS].join(", ")}.`);
      return method;
    }),
    headers,
    expectStatus: statusList(read, "expect-status", "200"),
    unauthorizedStatus: statusList(read, "unauthorized-status", "401"),
    negativeChecks: read.field("negative-checks", () =>
      negativeChecks(listed, { refusedToken, expiredToken }),
    ),
    negativeCheckBodies: read.boolean("negative-check-bodies", false),
    waitSeconds: read.field("wait", () => seconds(read.optional("wait") ?? "60", "wait")),
  };
  const expectBody = read.optional("expect-body");
  read.field("expired-token", () => expiredToken !== undefined && readExpiredToken(expiredToken));
  withDefined(settings, {
    token,
    refusedToken,
    expiredToken,
    body: read.optional("body"),
    expectBody: read.field("expect-body", () =>
      expectBody === undefined ? undefined : parseBodyExpectation(expectBody, "expect-body"),
    ),
  });
  const given: Record<string, string | undefined> = {
    "refused-token": refusedToken,
    "expired-token": expiredToken,
  };
  for (const check of TOKEN_INPUT_CHECKS) {
    read.field([check, "negative-checks"], () => {
      if (settings.negativeChecks.includes(check) && !given[check])
        throw new UserError(`negative-checks lists ${check}: set ${check} to ${NEEDS[check]}.`);
    });
  }
  // Among the defaults it is skipped without a JWKS; listed by name, it must run.
  read.field(["jwks-uri", "negative-checks"], () => {
    if (listed !== undefined && settings.negativeChecks.includes("hs256-key-confusion") && !jwksGiven)
      throw new UserError(`negative-checks lists hs256-key-confusion: set jwks-uri to ${NEEDS["jwks-uri"]}.`);
  });
  return settings;
}

const NEEDS = {
  "refused-token": "a token the API must refuse (another audience, a client without the required role)",
  "expired-token": "a token of this API its issuer signed that has expired",
  "jwks-uri": "the JWKS that signs the API's tokens",
} as const;

function httpsUrl(value: string, inputName: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new UserError(`${inputName} is not a URL: give the https:// address of the JWKS.`);
  }
  if (url.protocol !== "https:") throw new UserError(`${inputName} must be an https:// URL.`);
  return value;
}

function parseHeaders(text: string): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const { number, key, value } of keyValueLines(text, { separator: ":", comments: false })) {
    const name = value === undefined ? "" : key;
    if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name)) {
      throw new UserError(`headers line ${number}: expected "Name: value".`);
    }
    if (name.toLowerCase() === "authorization") {
      throw new UserError(`headers line ${number}: set the token input instead of an Authorization header.`);
    }
    headers[name] = (value ?? "").trim();
  }
  return headers;
}

function statusList(read: InputReader, inputName: string, fallback: string): number[] {
  return read.field(inputName, () => {
    const text = read.optional(inputName) ?? fallback;
    const statuses = text
      .split(/[\s,]+/)
      .filter(Boolean)
      .map(Number);
    if (statuses.length === 0 || statuses.some((s) => !Number.isInteger(s) || s < 100 || s > 599)) {
      throw new UserError(
        `${inputName} must be HTTP status codes such as 200 or "401, 403"; got ${JSON.stringify(text)}.`,
      );
    }
    return statuses;
  });
}

/** Listed ones, or the defaults plus each check whose token input is set. */
function negativeChecks(
  text: string | undefined,
  tokens: { refusedToken: string | undefined; expiredToken: string | undefined },
): NegativeCheck[] {
  if (text === undefined) {
    return [
      ...DEFAULT_NEGATIVE_CHECKS,
      ...(tokens.expiredToken ? (["expired-token"] as const) : []),
      ...(tokens.refusedToken ? (["refused-token"] as const) : []),
    ];
  }
  const names = text.split(/[\s,]+/).filter(Boolean);
  if (names.length === 1 && names[0] === "none") return [];
  for (const name of names) {
    if (!(ALL_NEGATIVE_CHECKS as readonly string[]).includes(name)) {
      throw new UserError(
        `negative-checks: unknown check ${JSON.stringify(name)}; choose from ${ALL_NEGATIVE_CHECKS.join(", ")} or none.`,
      );
    }
  }
  return names as NegativeCheck[];
}

function seconds(text: string, inputName: string): number {
  const value = Number(text);
  if (!Number.isFinite(value) || value < 0 || value > 3600) {
    throw new UserError(
      `${inputName} must be a number of seconds from 0 to 3600; got ${JSON.stringify(text)}.`,
    );
  }
  return value;
}
