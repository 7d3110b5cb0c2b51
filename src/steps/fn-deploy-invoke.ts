import type { FunctionsClients } from "../oci/oci-clients.ts";
import type { StepContext } from "../step-context.ts";

/**
 * fn-deploy's `invoke`: one call to the deployed function, in its own log group (a first invoke starts
 * the function's container, and a cold start can take a minute). Returns the function's answer.
 */
export async function testInvoke(
  clients: Pick<FunctionsClients, "invoker">,
  fn: { id: string; invokeEndpoint?: string | undefined },
  payload: string,
  names: { fn: string; image: string },
  ctx: Pick<StepContext, "logger">,
): Promise<string> {
  if (!fn.invokeEndpoint) throw new Error(`function ${fn.id} has no invokeEndpoint`);
  const client = clients.invoker(fn.invokeEndpoint);
  const { invokeOnce } = await import("../oci/functions/function-invoke.ts");
  return ctx.logger.group(`Test invoke of function ${names.fn}`, async () => {
    const answer = await invokeOnce(client, fn.id, payload, names);
    ctx.logger.info(`Test invoke answered: ${clip(answer)}`);
    return answer;
  });
}

function clip(text: string): string {
  const line = text.replace(/\s+/g, " ").trim();
  return line.length > 200 ? `${line.slice(0, 197)}...` : line;
}
