// ETags as OCI uses them for optimistic concurrency: every read returns one, every change of the
// resource (including a lifecycle transition) changes it, and a write with a stale `if-match` is a
// 412. Deriving the tag from the resource's content makes "changes on each update" hold by
// construction.
import { createHash } from "node:crypto";
import type { IncomingHttpHeaders } from "node:http";
import { preconditionFailed } from "./errors.ts";

export function etagOf(resource: unknown): string {
  return createHash("sha256").update(JSON.stringify(resource)).digest("hex").slice(0, 32);
}

/** Throws 412 when an if-match header is present and names another version. `*` matches any. */
export function checkIfMatch(headers: IncomingHttpHeaders, currentEtag: string): void {
  const raw = headers["if-match"];
  if (raw === undefined || raw === "") return;
  const sent = (Array.isArray(raw) ? raw.join(",") : raw)
    .split(",")
    .map((tag) => tag.trim().replace(/^"|"$/g, ""));
  if (sent.includes("*") || sent.includes(currentEtag)) return;
  throw preconditionFailed();
}
