// Request bodies as OCI validates them: JSON objects, with a 400 InvalidParameter naming the
// problem otherwise. Routes take fields from the returned record and check their types.
import { optionalStringAt } from "./apigateway-fields.ts";
import { invalidParameter, missingParameter } from "./errors.ts";

export function parseJsonObject(body: Buffer): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString("utf8"));
  } catch {
    throw invalidParameter("The request body is not valid JSON.");
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    throw invalidParameter("The request body must be a JSON object.");
  }
  return parsed as Record<string, unknown>;
}

export function optionalString(body: Record<string, unknown>, name: string): string | undefined {
  return optionalStringAt(body, name, "");
}

export function requiredString(body: Record<string, unknown>, name: string): string {
  const value = optionalString(body, name);
  if (value === undefined || value === "") throw missingParameter(`${name} is required.`);
  return value;
}
