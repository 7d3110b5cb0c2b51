// FC's request bodies: JSON, or 400 InvalidArgument; an operation's body an object of its own fields only.
import type { Json } from "../json.ts";
import { acs } from "./errors.ts";

/** The body parsed; `empty` is what an empty body stands for (undefined: it is no JSON either). */
export function jsonBody(body: Buffer, empty?: Json): unknown {
  if (body.length === 0 && empty !== undefined) return empty;
  try {
    return JSON.parse(body.toString("utf8"));
  } catch {
    throw acs.invalidArgument("the request body is not valid JSON");
  }
}

/** The body as an object holding only `allowed` fields. */
export function fieldsOf(body: Buffer, allowed: string[], empty?: Json): Json {
  const parsed = jsonBody(body, empty);
  if (!parsed || typeof parsed !== "object" || Array.isArray(parsed))
    throw acs.invalidArgument("the body must be an object");
  const unknown = Object.keys(parsed).find((key) => !allowed.includes(key));
  if (unknown !== undefined) throw acs.invalidArgument(`unknown field ${unknown}`);
  return parsed as Json;
}
