import { UserError } from "../errors.ts";
import { checkInputText } from "../inputs/check-input-text.ts";
import { checkEach } from "../inputs/input-problems.ts";
import { inputShape } from "../inputs/input-shapes.ts";
import {
  checkNow,
  fallbackValue,
  type InputReader,
  type MissingInput,
  parseBoolean,
  requiredFrom,
} from "../inputs/reader.ts";

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
  const missing = (inputs: readonly MissingInput[]): UserError => {
    const [only, ...more] = inputs;
    if (only && more.length === 0) {
      const alternative = only.envFallback ? ` (or the ${only.envFallback} environment variable)` : "";
      return new UserError(`${only.name} is required: set the input${alternative}.`);
    }
    const names = inputs.map((input) => input.name);
    const fallbacks = inputs.filter((input) => input.envFallback);
    const alternatives = fallbacks.map((input) => `${input.name} from ${input.envFallback}`);
    return new UserError(
      `${names.slice(0, -1).join(", ")} and ${names.at(-1)} are required: set these inputs${alternatives.length > 0 ? ` (or take ${alternatives.join(", ")})` : ""}.`,
    );
  };
  return {
    optional,
    required: requiredFrom(optional, missing),
    boolean: (name, fallback) => parseBoolean(name, input(name), fallback),
    mask,
    missing,
    field: checkNow,
  };
}

/**
 * Checks the text of every input the runner hands `action` before anything reads one: no control
 * characters in a single-line input, no credentials in a URL (src/inputs/input-shapes.ts says which is
 * which). All at once and up front, so an input only read on some paths is refused all the same; every
 * input refused is named in one message.
 */
export function checkActionInputs(action: string, env: NodeJS.ProcessEnv): void {
  const inputs = Object.entries(env).filter(([variable, value]) => variable.startsWith("INPUT_") && value);
  checkEach(inputs, ([variable, value = ""]) => {
    const name = variable.slice("INPUT_".length).toLowerCase();
    checkInputText(name, value.trim(), inputShape(action, name));
  });
}
