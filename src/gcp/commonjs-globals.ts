import { dirname } from "node:path";
import { fileURLToPath } from "node:url";

// google-gax (under @google-cloud/run) computes a folder from __dirname when it loads, even though the
// REST transport never reads it; an ESM bundle has no __dirname, so it gets this one. Imported before
// @google-cloud/run.
const scope = globalThis as { __dirname?: string };
scope.__dirname ??= dirname(fileURLToPath(import.meta.url));
