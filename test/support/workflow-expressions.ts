// GitHub's own expression engine (@actions/expressions, the evaluator behind the workflow parser) over
// plain JavaScript contexts: what a matrix job's `with:` values become for one target, without a runner.
import { data, Evaluator, Lexer, Parser } from "@actions/expressions";

type Context = Record<string, unknown>;

function toData(value: unknown): data.ExpressionData {
  if (value === null || value === undefined) return new data.Null();
  if (typeof value === "string") return new data.StringData(value);
  if (typeof value === "number") return new data.NumberData(value);
  if (typeof value === "boolean") return new data.BooleanData(value);
  if (Array.isArray(value)) {
    const array = new data.Array();
    for (const item of value) array.add(toData(item));
    return array;
  }
  const dictionary = new data.Dictionary();
  for (const [key, item] of Object.entries(value as Context)) dictionary.add(key, toData(item));
  return dictionary;
}

function evaluateData(expression: string, context: Context): data.ExpressionData {
  const { tokens } = new Lexer(expression).lex();
  const ast = new Parser(tokens, Object.keys(context), []).parse();
  return new Evaluator(ast, toData(context) as data.Dictionary).evaluate();
}

/** One expression (without `${{ }}`) as a JavaScript value: fromJSON's objects come back as objects. */
export function evaluateExpression(expression: string, context: Context): unknown {
  return JSON.parse(JSON.stringify(evaluateData(expression, context), data.replacer) ?? "null");
}

/** A workflow value as the runner renders it: every `${{ }}` in it replaced by its string value. */
export function renderTemplate(text: string, context: Context): string {
  return text.replace(/\$\{\{([\s\S]*?)\}\}/g, (_, expression: string) =>
    evaluateData(expression.trim(), context).coerceString(),
  );
}
