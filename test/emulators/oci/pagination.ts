// OCI list pagination: `limit` caps a page, the `opc-next-page` response header carries an opaque
// token the client sends back as `page`, and the last page has no such header. Tokens name the
// list they came from, so a token replayed against other filters is a 400, as OCI answers.
import { createHash } from "node:crypto";
import { invalidParameter } from "./errors.ts";

export interface PageRequest {
  limit: number;
  offset: number;
}

export interface Page<T> {
  items: T[];
  /** Value for `opc-next-page`; undefined on the last page. */
  nextPage: string | undefined;
  /** Items after this page. */
  remaining: number;
}

export function readPageRequest(
  query: URLSearchParams,
  scope: string,
  limits: { defaultLimit: number; maxLimit: number },
): PageRequest {
  const rawLimit = query.get("limit");
  let limit = limits.defaultLimit;
  if (rawLimit !== null) {
    limit = Number(rawLimit);
    if (!/^\d+$/.test(rawLimit) || limit < 1 || limit > limits.maxLimit) {
      throw invalidParameter(`limit must be an integer between 1 and ${limits.maxLimit}.`);
    }
  }
  const page = query.get("page");
  return { limit, offset: page === null ? 0 : decodeToken(page, scope) };
}

/**
 * One page of a list: the page request is read (and a bad limit or token refused) before `items()`
 * runs its own checks. `scope` names the list and its filters, so a token only fits the same list.
 */
export function listPage<T>(
  query: URLSearchParams,
  scope: readonly unknown[],
  limits: { defaultLimit: number; maxLimit: number },
  items: () => readonly T[],
): Page<T> {
  const key = JSON.stringify(scope);
  const request = readPageRequest(query, key, limits);
  return pageOf(items(), request, key);
}

/** Whether `item` has each filter's value where the query sets that filter. */
export function matchesQuery<K extends string>(
  query: URLSearchParams,
  filters: readonly K[],
  item: Record<K, unknown>,
): boolean {
  return filters.every((name) => query.get(name) === null || query.get(name) === item[name]);
}

export function pageOf<T>(items: readonly T[], request: PageRequest, scope: string): Page<T> {
  const end = request.offset + request.limit;
  return {
    items: items.slice(request.offset, end),
    nextPage: end < items.length ? encodeToken(end, scope) : undefined,
    remaining: Math.max(0, items.length - end),
  };
}

/** Sorts by a string key, as OCI's sortBy/sortOrder do (case-sensitive, ties broken by id). */
export function sortItems<T extends { id: string }>(
  items: readonly T[],
  key: (item: T) => string,
  order: "ASC" | "DESC",
): T[] {
  const sign = order === "ASC" ? 1 : -1;
  return [...items].sort((a, b) => sign * (compare(key(a), key(b)) || compare(a.id, b.id)));
}

/** Creation order as a sort key: time, then the store's sequence when timestamps tie. */
export function creationKey(item: { timeCreated: string; sequence: number }): string {
  return `${item.timeCreated}/${String(item.sequence).padStart(12, "0")}`;
}

export function readSortOrder(query: URLSearchParams, fallback: "ASC" | "DESC"): "ASC" | "DESC" {
  const value = query.get("sortOrder");
  if (value === null) return fallback;
  if (value !== "ASC" && value !== "DESC") throw invalidParameter("sortOrder must be ASC or DESC.");
  return value;
}

/** Code-unit order, as OCI sorts names (case-sensitive). */
export function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function encodeToken(offset: number, scope: string): string {
  return Buffer.from(JSON.stringify({ o: offset, s: scopeHash(scope) })).toString("base64url");
}

function decodeToken(token: string, scope: string): number {
  try {
    const decoded = JSON.parse(Buffer.from(token, "base64url").toString("utf8")) as {
      o?: unknown;
      s?: unknown;
    };
    if (typeof decoded.o === "number" && Number.isInteger(decoded.o) && decoded.o >= 0) {
      if (decoded.s === scopeHash(scope)) return decoded.o;
    }
  } catch {
    // Falls through to the 400 below.
  }
  throw invalidParameter("The page token is not valid for this list.");
}

function scopeHash(scope: string): string {
  return createHash("sha256").update(scope).digest("hex").slice(0, 16);
}
