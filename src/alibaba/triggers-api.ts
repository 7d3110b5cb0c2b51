import { FcCalls } from "./fc-calls.ts";
import { statusOf } from "./fc-failure.ts";
import { type HttpTriggerSpec, httpTriggerConfig } from "./http-trigger.ts";
import {
  CreateTriggerInput,
  CreateTriggerRequest,
  type FcTrigger,
  UpdateTriggerInput,
  UpdateTriggerRequest,
} from "./sdk.ts";
import { errorCode } from "./sdk-errors.ts";

/**
 * The FC 3.0 trigger calls fc-deploy makes (GetTrigger, CreateTrigger, UpdateTrigger, DeleteTrigger),
 * retried as FcCalls are.
 */
export class TriggersApi extends FcCalls {
  /** The trigger, or undefined when the function has none by that name. */
  async getTrigger(functionName: string, triggerName: string): Promise<FcTrigger | undefined> {
    try {
      return (await this.retrying(() => this.client.getTrigger(functionName, triggerName))).body;
    } catch (error) {
      if (statusOf(error) === 404 && errorCode(error) === "TriggerNotFound") return undefined;
      throw error;
    }
  }

  async createHttpTrigger(functionName: string, spec: HttpTriggerSpec): Promise<FcTrigger | undefined> {
    const body = new CreateTriggerInput({
      triggerName: spec.name,
      triggerType: "http",
      qualifier: spec.qualifier ?? "LATEST",
      triggerConfig: httpTriggerConfig(spec),
    });
    const response = await this.retrying(() =>
      this.client.createTrigger(functionName, new CreateTriggerRequest({ body })),
    );
    return response.body;
  }

  async updateHttpTrigger(functionName: string, spec: HttpTriggerSpec): Promise<FcTrigger | undefined> {
    const body = new UpdateTriggerInput({
      qualifier: spec.qualifier ?? "LATEST",
      triggerConfig: httpTriggerConfig(spec),
    });
    const response = await this.retrying(() =>
      this.client.updateTrigger(functionName, spec.name, new UpdateTriggerRequest({ body })),
    );
    return response.body;
  }

  /** Deletes the trigger; one already gone counts as deleted. */
  async deleteTrigger(functionName: string, triggerName: string): Promise<void> {
    try {
      await this.retrying(() => this.client.deleteTrigger(functionName, triggerName));
    } catch (error) {
      if (statusOf(error) === 404 && errorCode(error) === "TriggerNotFound") return;
      throw error;
    }
  }
}
