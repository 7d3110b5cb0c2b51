// A GitHub REST API emulator for deployments, deployment statuses and issue comments, strict where
// GitHub is (https://docs.github.com/en/rest/deployments/deployments,
// https://docs.github.com/en/rest/deployments/statuses, https://docs.github.com/en/rest/issues/comments):
// every call needs the token; a token without the permission gets GitHub's 403 "Resource not accessible
// by integration"; bodies are checked field by field (an unknown field is refused, so a typo shows);
// a status description over 140 characters is a 422; a deployment of a ref the repository lacks is a
// 422 "No ref found for"; without auto_merge: false a ref behind the default branch is merged (202,
// no deployment) and without required_contexts the commit's failing checks refuse it (409); comments
// page with per_page (at most 100) and a Link header. `prefix` serves it under GHES's /api/v3.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { closeServer, listenOnLoopback } from "../http/loopback-server.ts";

export interface GitHubApiOptions {
  token: string;
  owner: string;
  repo: string;
  /** Commits the repository has; deploying another ref is a 422. */
  refs: string[];
  /** The default branch's head: a deployment of another ref without auto_merge: false is merged (202). */
  defaultBranchSha?: string;
  /** What the token may write; both by default. */
  permissions?: { deployments: boolean; pullRequests: boolean };
  /** Commit statuses failing: a deployment without required_contexts: [] is refused (409). */
  failingChecks?: boolean;
  /** "/api/v3" to stand in for GitHub Enterprise Server. */
  prefix?: string;
}

export interface Deployment {
  id: number;
  ref: string;
  environment: string;
  transient_environment: boolean;
  production_environment: boolean;
  statuses: { state: string; description: string; environment_url: string; log_url: string }[];
}

export interface IssueComment {
  id: number;
  issue: number;
  body: string;
  updates: number;
}

export interface GitHubApiEmulator {
  /** The GITHUB_API_URL to give a step. */
  url: string;
  deployments: Deployment[];
  comments: IssueComment[];
  /** Every request: method, path (without the prefix) and status answered. */
  requests: { method: string; path: string; status: number }[];
  addComments(issue: number, bodies: string[]): void;
  close(): Promise<void>;
}

const DEPLOYMENT_FIELDS = new Set([
  "ref",
  "task",
  "auto_merge",
  "required_contexts",
  "payload",
  "environment",
  "description",
  "transient_environment",
  "production_environment",
]);
const STATUS_FIELDS = new Set([
  "state",
  "target_url",
  "log_url",
  "description",
  "environment",
  "environment_url",
  "auto_inactive",
]);
const STATES = new Set(["error", "failure", "inactive", "in_progress", "queued", "pending", "success"]);
const COMMENT_MAX = 65536;

class Refusal extends Error {
  readonly status: number;
  constructor(status: number, message: string) {
    super(message);
    this.status = status;
  }
}

function check(condition: unknown, status: number, message: string): asserts condition {
  if (!condition) throw new Refusal(status, message);
}

function checkFields(body: Record<string, unknown>, allowed: Set<string>): void {
  for (const key of Object.keys(body))
    check(allowed.has(key), 422, `Invalid request. "${key}" is not a permitted key.`);
}

function checkType(body: Record<string, unknown>, key: string, type: "string" | "boolean"): void {
  if (body[key] !== undefined)
    check(
      typeof body[key] === type,
      422,
      `Invalid request. For '${key}', ${JSON.stringify(body[key])} is not a ${type}.`,
    );
}

export async function startGitHubApi(options: GitHubApiOptions): Promise<GitHubApiEmulator> {
  const prefix = options.prefix ?? "";
  const permissions = options.permissions ?? { deployments: true, pullRequests: true };
  const deployments: Deployment[] = [];
  const comments: IssueComment[] = [];
  const requests: GitHubApiEmulator["requests"] = [];
  let nextId = 1000;
  let base = "";
  const repoPath = `/repos/${options.owner}/${options.repo}`;

  function route(
    method: string,
    path: string,
    query: URLSearchParams,
    body: Record<string, unknown>,
  ): [number, unknown, Record<string, string>?] {
    if (method === "POST" && path === `${repoPath}/deployments`) {
      check(permissions.deployments, 403, "Resource not accessible by integration");
      checkFields(body, DEPLOYMENT_FIELDS);
      check(typeof body.ref === "string" && body.ref, 422, 'Invalid request. "ref" wasn\'t supplied.');
      for (const key of ["environment", "description", "task"]) checkType(body, key, "string");
      for (const key of ["auto_merge", "transient_environment", "production_environment"])
        checkType(body, key, "boolean");
      const ref = String(body.ref);
      check(options.refs.includes(ref), 422, `No ref found for: ${ref}`);
      if (body.required_contexts === undefined)
        check(!options.failingChecks, 409, `Conflict: Commit status checks failed for ${ref}.`);
      else
        check(
          Array.isArray(body.required_contexts) && body.required_contexts.every((c) => typeof c === "string"),
          422,
          "Invalid request. For 'required_contexts', not an array of strings.",
        );
      if (body.auto_merge !== false && options.defaultBranchSha && ref !== options.defaultBranchSha) {
        return [202, { message: `Auto-merged ${options.defaultBranchSha} into ${ref} on deployment.` }];
      }
      const deployment: Deployment = {
        id: nextId++,
        ref,
        environment: typeof body.environment === "string" ? body.environment : "production",
        transient_environment: body.transient_environment === true,
        production_environment:
          (body.production_environment ?? body.environment === "production")
            ? body.production_environment !== false
            : false,
        statuses: [],
      };
      deployments.push(deployment);
      return [
        201,
        {
          id: deployment.id,
          url: `${base}${repoPath}/deployments/${deployment.id}`,
          ref,
          environment: deployment.environment,
        },
      ];
    }
    const status = new RegExp(`^${repoPath}/deployments/(\\d+)/statuses$`).exec(path);
    if (method === "POST" && status) {
      check(permissions.deployments, 403, "Resource not accessible by integration");
      const deployment = deployments.find((d) => d.id === Number(status[1]));
      check(deployment, 404, "Not Found");
      checkFields(body, STATUS_FIELDS);
      check(
        typeof body.state === "string" && STATES.has(body.state),
        422,
        `Invalid request. For 'state', ${JSON.stringify(body.state)} is not a valid state.`,
      );
      for (const key of ["description", "log_url", "environment_url", "target_url", "environment"])
        checkType(body, key, "string");
      const description = String(body.description ?? "");
      check(
        description.length <= 140,
        422,
        "Validation Failed: description is too long (maximum is 140 characters)",
      );
      deployment.statuses.push({
        state: String(body.state),
        description,
        environment_url: String(body.environment_url ?? ""),
        log_url: String(body.log_url ?? ""),
      });
      return [
        201,
        { id: nextId++, state: body.state, description, environment_url: body.environment_url ?? "" },
      ];
    }
    const list = new RegExp(`^${repoPath}/issues/(\\d+)/comments$`).exec(path);
    if (list && method === "GET") {
      const perPage = Number(query.get("per_page") ?? 30);
      const page = Number(query.get("page") ?? 1);
      check(
        Number.isInteger(perPage) && perPage >= 1 && perPage <= 100,
        422,
        "per_page must be between 1 and 100",
      );
      const all = comments.filter((c) => c.issue === Number(list[1]));
      const last = Math.max(1, Math.ceil(all.length / perPage));
      const links: string[] = [];
      const pageUrl = (n: number) => `${base}${path}?per_page=${perPage}&page=${n}`;
      if (page < last) links.push(`<${pageUrl(page + 1)}>; rel="next"`, `<${pageUrl(last)}>; rel="last"`);
      const slice = all.slice((page - 1) * perPage, page * perPage).map((c) => commentJson(c));
      return [200, slice, links.length ? { link: links.join(", ") } : {}];
    }
    if (list && method === "POST") {
      check(permissions.pullRequests, 403, "Resource not accessible by integration");
      checkFields(body, new Set(["body"]));
      check(typeof body.body === "string" && body.body.length > 0, 422, "Validation Failed: body is missing");
      check(
        body.body.length <= COMMENT_MAX,
        422,
        "Validation Failed: body is too long (maximum is 65536 characters)",
      );
      const comment: IssueComment = { id: nextId++, issue: Number(list[1]), body: body.body, updates: 0 };
      comments.push(comment);
      return [201, commentJson(comment)];
    }
    const one = new RegExp(`^${repoPath}/issues/comments/(\\d+)$`).exec(path);
    if (one && method === "PATCH") {
      check(permissions.pullRequests, 403, "Resource not accessible by integration");
      const comment = comments.find((c) => c.id === Number(one[1]));
      check(comment, 404, "Not Found");
      checkFields(body, new Set(["body"]));
      check(
        typeof body.body === "string" && body.body.length > 0 && body.body.length <= COMMENT_MAX,
        422,
        "Validation Failed: body",
      );
      comment.body = body.body;
      comment.updates++;
      return [200, commentJson(comment)];
    }
    throw new Refusal(404, "Not Found");
  }

  function commentJson(comment: IssueComment) {
    return {
      id: comment.id,
      body: comment.body,
      html_url: `https://github.example/${options.owner}/${options.repo}/pull/${comment.issue}#issuecomment-${comment.id}`,
    };
  }

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? "/", "http://127.0.0.1");
    const path = url.pathname.startsWith(prefix) ? url.pathname.slice(prefix.length) : "";
    let status = 500;
    let payload: unknown;
    let headers: Record<string, string> = {};
    try {
      const auth = request.headers.authorization ?? "";
      check(auth === `token ${options.token}` || auth === `Bearer ${options.token}`, 401, "Bad credentials");
      check(path, 404, "Not Found");
      let text = "";
      for await (const chunk of request) text += chunk;
      let body: Record<string, unknown> = {};
      if (text) {
        try {
          body = JSON.parse(text);
        } catch {
          throw new Refusal(400, "Problems parsing JSON");
        }
      }
      [status, payload, headers = {}] = route(request.method ?? "GET", path, url.searchParams, body);
    } catch (error) {
      if (!(error instanceof Refusal)) throw error;
      status = error.status;
      payload = {
        message: error.message,
        documentation_url: "https://docs.github.com/rest",
        status: String(status),
      };
    }
    requests.push({ method: request.method ?? "GET", path: path || url.pathname, status });
    response.writeHead(status, { "content-type": "application/json; charset=utf-8", ...headers });
    response.end(JSON.stringify(payload));
  }

  const server: Server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      response.writeHead(500).end(String(error));
    });
  });
  const port = await listenOnLoopback(server);
  base = `http://127.0.0.1:${port}${prefix}`;
  return {
    url: base,
    deployments,
    comments,
    requests,
    addComments(issue, bodies) {
      for (const body of bodies) comments.push({ id: nextId++, issue, body, updates: 0 });
    },
    close: () => closeServer(server),
  };
}
