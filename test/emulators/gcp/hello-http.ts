// The seed's sample function (functions_framework hello_http), in the emulator's language: the name
// comes from a JSON body's "name", else the query's name, else "World".
export function helloHttp(query: URLSearchParams, contentType: string | undefined, body: Buffer): string {
  let name: string | undefined;
  if ((contentType ?? "").startsWith("application/json")) {
    try {
      const json = JSON.parse(body.toString("utf8")) as unknown;
      if (typeof json === "object" && json !== null && "name" in json)
        name = String((json as { name: unknown }).name);
    } catch {}
  }
  name ??= query.get("name") ?? "World";
  return `Hello ${name}!`;
}
