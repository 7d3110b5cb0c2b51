// Loads GitHub's own action.yml parser (@actions/workflow-parser).
//
// The package is published as ESM but imports its JSON schema without `with { type: "json" }`,
// which Node's native loader refuses (bundlers and jest accept it). A synchronous resolve hook
// adds the missing attribute for that package's JSON files only; the parser is then imported
// dynamically, because a static import would load the module graph before the hook exists.
import { registerHooks } from "node:module";

type ActionParserModule = typeof import("@actions/workflow-parser/actions/action-parser");
type ActionTemplateModule = typeof import("@actions/workflow-parser/actions/action-template");
type ParserRootModule = typeof import("@actions/workflow-parser");
type TypeGuardsModule = typeof import("@actions/workflow-parser/templates/tokens/type-guards");

export interface WorkflowParser {
  parseAction: ActionParserModule["parseAction"];
  parseWorkflow: ParserRootModule["parseWorkflow"];
  convertWorkflowTemplate: ParserRootModule["convertWorkflowTemplate"];
  convertActionTemplate: ActionTemplateModule["convertActionTemplate"];
  NoOperationTraceWriter: ParserRootModule["NoOperationTraceWriter"];
  tokens: Pick<TypeGuardsModule, "isString" | "isBoolean" | "isNumber" | "isLiteral">;
}

let hookRegistered = false;
let loading: Promise<WorkflowParser> | undefined;

function registerJsonAttributeHook(): void {
  if (hookRegistered) return;
  hookRegistered = true;
  registerHooks({
    resolve(specifier, context, nextResolve) {
      const resolved = nextResolve(specifier, context);
      const fromParser = resolved.url.includes("/node_modules/@actions/workflow-parser/");
      if (fromParser && resolved.url.endsWith(".json") && context.importAttributes.type === undefined) {
        return { ...resolved, importAttributes: { ...context.importAttributes, type: "json" } };
      }
      return resolved;
    },
  });
}

export function loadWorkflowParser(): Promise<WorkflowParser> {
  if (loading === undefined) {
    registerJsonAttributeHook();
    loading = Promise.all([
      import("@actions/workflow-parser/actions/action-parser"),
      import("@actions/workflow-parser/actions/action-template"),
      import("@actions/workflow-parser"),
      import("@actions/workflow-parser/templates/tokens/type-guards"),
    ]).then(([parser, template, root, guards]) => ({
      parseAction: parser.parseAction,
      convertActionTemplate: template.convertActionTemplate,
      NoOperationTraceWriter: root.NoOperationTraceWriter,
      parseWorkflow: root.parseWorkflow,
      convertWorkflowTemplate: root.convertWorkflowTemplate,
      tokens: guards,
    }));
  }
  return loading;
}
