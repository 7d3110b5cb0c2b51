/**
 * The cloud SDKs talk on the console: the OCI SDK prints its retry decisions with console.warn
 * ("Request cannot be retried...") and console.info ("No DEFAULT profile..."), its federation client
 * uses console.log, and Node prints deprecation warnings some SDKs trigger. In a workflow log they read
 * like failures, and on the CLI they would break `--json` stdout. Each entry point sends them to its
 * debug log instead, where they still help once someone turns debug logging on.
 */
export function routeSdkChatter(
  debugLine: (message: string) => void,
  methods: readonly ("warn" | "info" | "log" | "error")[] = ["warn", "info", "log", "error"],
): void {
  process.noDeprecation = true;
  const toDebug = (...args: unknown[]) => debugLine(args.map(String).join(" "));
  for (const method of methods) console[method] = toDebug;
}
