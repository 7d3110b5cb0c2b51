// Runs the GitHub deployment record in a process of its own, as the action's main would: the
// environment is the runner's (GITHUB_*), argv[2] the settings and argv[3] the run's outcome (JSON).
// Each log line is printed as "level: message" for the test to read.
import { startDeploymentRecord } from "../../src/github/deployments/record.ts";

const [settings, outcome] = [JSON.parse(process.argv[2] ?? "{}"), JSON.parse(process.argv[3] ?? "{}")];
const print = (level: string) => (message: string) => process.stdout.write(`${level}: ${message}\n`);
const log = {
  info: print("info"),
  warning: print("warning"),
  debug: () => {},
  group: <T>(_name: string, work: () => Promise<T>) => work(),
};
const record = await startDeploymentRecord(settings, log);
await record.finish(outcome);
