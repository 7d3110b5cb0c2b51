import type { protos } from "@google-cloud/run";
import { runLabelTags } from "../run-label.ts";

type Service = protos.google.cloud.run.v2.IService;

/**
 * A service about to be created, with the run's fngate-run label next to any labels it has. Only for a
 * create: an update sends the service's labels back as they are, so a user's labels survive and a
 * re-run changes nothing.
 */
export function withRunLabel(service: Service, runLabel: string | undefined): Service {
  const tags = runLabelTags(runLabel);
  return tags ? { ...service, labels: { ...service.labels, ...tags } } : service;
}
