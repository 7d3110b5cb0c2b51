import type { StepResult } from "../runner/step-result.ts";
import { withoutMaskCommands } from "../runner/workflow-commands.ts";

/**
 * Secret scanning for tests: every form in which a secret could leak (as is, each PEM body line,
 * base64- and URL-encoded), searched in what a workflow would see. A JWT also leaks as any text that
 * keeps its `header.payload.` and changes the signature: flipping a tampered bit back gives the token.
 */
export function secretNeedles(secrets: readonly string[]): string[] {
  const needles = new Set<string>();
  for (const secret of secrets) {
    const lines = secret.split("\n").filter((line) => line.length >= 16 && !line.startsWith("-----"));
    const jwt = /^([\w-]+)\.([\w-]+)\.[\w-]*$/.exec(secret.trim());
    const signedPrefix = jwt ? [`${jwt[1]}.${jwt[2]}.`] : [];
    for (const piece of [secret, ...lines, ...signedPrefix]) {
      needles.add(piece);
      needles.add(Buffer.from(piece).toString("base64"));
      needles.add(encodeURIComponent(piece));
    }
  }
  return [...needles];
}

/** The needles found in `text`; a passing test expects none. */
export function secretsFound(text: string, secrets: readonly string[]): string[] {
  return secretNeedles(secrets).filter((needle) => text.includes(needle));
}

/** A step's output without the ::add-mask:: commands, which the runner consumes and never shows. */
export const visibleOutput = withoutMaskCommands;

/**
 * Everything a workflow shows of one step: its log (without mask commands), stderr, summary, outputs,
 * exported env, state and every file it left. `exceptOutputs` names masked secret outputs a test
 * leaves out on purpose (the token a token step exists to hand on).
 */
export function shownByStep(run: StepResult, exceptOutputs: readonly string[] = []): string {
  const outputs = Object.fromEntries(
    Object.entries(run.outputs).filter(([name]) => !exceptOutputs.includes(name)),
  );
  return [
    visibleOutput(run.stdout),
    run.stderr,
    run.summary,
    JSON.stringify(outputs),
    JSON.stringify(run.exportedEnv),
    JSON.stringify(run.state),
    ...run.writtenFiles.map((file) => file.content.toString("utf8")),
  ].join("\n");
}
