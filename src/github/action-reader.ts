import { UserError } from "../errors.ts";
import { checkInputText } from "../inputs/check-input-text.ts";
import { inputShape } from "../inputs/input-shapes.ts";
import { fallbackValue, type InputReader, parseBoolean } from "../inputs/reader.ts";

/**
 * The inputs the runner hands an action: INPUT_<NAME> (upper case, spaces as underscores), trimmed, as
 * core.getInput reads them, from the environment given (the process's in a workflow). An input may fall
 * back to an environment variable of the same meaning (OCI_CLI_USER...).
 */
export function actionInputReader(env: NodeJS.ProcessEnv, mask: (value: string) => void): InputReader {
  const input = (name: string) => (env[`INPUT_${name.replace(/ /g, "_").toUpperCase()}`] ?? "").trim();
  const optional = (name: string, envFallback?: string): string | undefined => {
    const value = input(name);
    return value !== "" ? value : fallbackValue(env, envFallback, name);
  };
  return {
    optional,
    required(name, envFallback) {
      const value = optional(name, envFallback);
      if (value !== undefined) return value;
      const alternative = envFallback ? ` (or the ${envFallback} environment variable)` : "";
      throw new UserError(`${name} is required: set the input${alternative}.`);
    },
    boolean: (name, fallback) => parseBoolean(name, input(name), fallback),
    mask,
    missing: (inputs) => {
      const names = inputs.map((missing) => missing.name);
      const fallbacks = inputs.filter((missing) => missing.envFallback);
      const alternatives = fallbacks.map((missing) => `${missing.name} from ${missing.envFallback}`);
      return new UserError(
        `${names.slice(0, -1).join(", ")} and ${names.at(-1)} are required: set these inputs${alternatives.length > 0 ? ` (or take ${alternatives.join(", ")})` : ""}.`,
      );
    },
  };
}

/**
 * Checks the text of every input the runner hands `action` before anything reads one: no control
 * characters in a single-line input, no credentials in a URL (src/inputs/input-shapes.ts says which is
 * which). All at once and up front, so an input only read on some paths is refused all the same.
 */
export function checkActionInputs(action: string, env: NodeJS.ProcessEnv): void {
  for (const [variable, value] of Object.entries(env)) {
    if (!variable.startsWith("INPUT_") || value === undefined) continue;
    const name = variable.slice("INPUT_".length).toLowerCase();
    checkInputText(name, value.trim(), inputShape(action, name));
  }
}
