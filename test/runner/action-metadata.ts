// Reads an action.yml the way GitHub does: validated by GitHub's own schema and parser, so a
// metadata mistake fails here with the same message the Marketplace or the runner would give.
import { readFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { loadWorkflowParser } from "./workflow-parser-loader.ts";

export interface ActionInput {
  name: string;
  description: string;
  required: boolean;
  /** Literal default from action.yml, undefined when none is declared. */
  default: string | undefined;
  /** Set when the default is an expression (`${{ github.token }}`), which the harness cannot evaluate. */
  defaultExpression: string | undefined;
}

export interface ActionOutput {
  name: string;
  description: string;
}

export interface ActionRuns {
  using: string;
  /** Paths exactly as written in action.yml (relative to the action folder). */
  main: string | undefined;
  pre: string | undefined;
  post: string | undefined;
  /** Condition text; the runner's default for post steps is always(). */
  postIf: string;
}

export interface ActionMetadata {
  /** Folder name under the actions root, which is how tests refer to the action. */
  id: string;
  dir: string;
  file: string;
  name: string;
  description: string;
  author: string | undefined;
  inputs: ActionInput[];
  outputs: ActionOutput[];
  runs: ActionRuns;
  branding: { icon: string | undefined; color: string | undefined } | undefined;
}

export class ActionMetadataError extends Error {
  constructor(file: string, problems: string[]) {
    super(`${file} is not a valid action:\n  ${problems.join("\n  ")}`);
    this.name = "ActionMetadataError";
  }
}

/** Repository root: test/runner is two levels below it. */
export const repoRoot = resolve(import.meta.dirname, "..", "..");
export const defaultActionsDir = join(repoRoot, "actions");

export async function loadActionMetadata(
  id: string,
  actionsDir = defaultActionsDir,
): Promise<ActionMetadata> {
  const dir = resolve(actionsDir, id);
  const file = join(dir, "action.yml");
  const content = await readFile(file, "utf8");
  return parseActionMetadata(content, { id, dir, file });
}

export async function parseActionMetadata(
  content: string,
  where: { id: string; dir: string; file: string },
): Promise<ActionMetadata> {
  const parser = await loadWorkflowParser();
  const parsed = parser.parseAction({ name: where.file, content }, new parser.NoOperationTraceWriter());
  const problems = (): string[] => parsed.context.errors.getErrors().map((error) => error.message);
  if (parsed.value === undefined || problems().length > 0) {
    throw new ActionMetadataError(where.file, problems());
  }
  const template = parser.convertActionTemplate(parsed.context, parsed.value);
  // Conversion adds its own errors (an invalid post-if expression, for example).
  if (problems().length > 0) throw new ActionMetadataError(where.file, problems());

  const { isString, isBoolean, isNumber, isLiteral } = parser.tokens;
  const inputs = (template.inputs ?? []).map((input): ActionInput => {
    const token = input.default;
    let literal: string | undefined;
    let expression: string | undefined;
    if (token !== undefined) {
      if (isString(token)) literal = token.value;
      else if (isBoolean(token) || isNumber(token)) literal = String(token.value);
      else if (isLiteral(token)) literal = "";
      else expression = token.toDisplayString();
    }
    return {
      name: input.id,
      description: input.description ?? "",
      required: input.required ?? false,
      default: literal,
      defaultExpression: expression,
    };
  });
  const outputs = (template.outputs ?? []).map(
    (output): ActionOutput => ({ name: output.id, description: output.description ?? "" }),
  );

  const runs = template.runs;
  const nodeRuns = "main" in runs ? runs : undefined;
  return {
    ...where,
    name: template.name,
    description: template.description,
    author: template.author,
    inputs,
    outputs,
    runs: {
      using: runs.using,
      main: nodeRuns?.main,
      pre: nodeRuns?.pre,
      post: nodeRuns?.post,
      postIf: nodeRuns?.postIf ?? "always()",
    },
    branding:
      template.branding === undefined
        ? undefined
        : { icon: template.branding.icon, color: template.branding.color },
  };
}

/** Environment variable name the runner uses for an input: upper-cased, spaces to `_`, hyphens kept. */
export function inputEnvName(inputName: string): string {
  return `INPUT_${inputName.replaceAll(" ", "_").toUpperCase()}`;
}
