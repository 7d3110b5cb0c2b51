// What the smoke test hides in an API's answer before anything is judged or shown: a token, and any
// text keeping its `header.payload.` (a tampered variant gives the token back by flipping one bit).
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { jwtPrefix, tokenRedactor } from "../src/http/token-redaction.ts";
import { tamperSignature, withAlgNone } from "../src/http/token-variants.ts";

const TOKEN = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJlLWJ5dGVzLWhlcmU";

describe("tokenRedactor", () => {
  const redact = tokenRedactor([TOKEN, undefined, "x-api-key-value-123", "  "]);
  const cases: [string, string, string][] = [
    ["the token", `got Bearer ${TOKEN}`, "got Bearer ***"],
    ["the tampered variant", `got Bearer ${tamperSignature(TOKEN)}`, "got Bearer ***"],
    ["the prefix with any signature", `"${jwtPrefix(TOKEN)}AAAA+/=="`, '"***"'],
    ["the prefix with no signature", `${jwtPrefix(TOKEN)} end`, "*** end"],
    ["the token twice, in JSON", JSON.stringify({ a: TOKEN, b: [TOKEN] }), '{"a":"***","b":["***"]}'],
    ["a header value given as a secret", "key=x-api-key-value-123;", "key=***;"],
  ];
  for (const [name, text, expected] of cases) {
    it(`hides ${name}`, () => assert.equal(redact(text), expected));
  }

  it("keeps what carries no secret: the alg-none variant's claims under another header, other text", () => {
    const none = withAlgNone(TOKEN);
    assert.equal(redact(`alg none: ${none}`), `alg none: ${none}`);
    assert.equal(redact("Hello World"), "Hello World");
  });

  it("hides a non-JWT secret where it appears as it is", () => {
    const opaque = tokenRedactor(["opaque.token-value"]);
    assert.equal(opaque("Bearer opaque.token-value!"), "Bearer ***!");
  });

  it("reads a JWT prefix only from three segments with a header and a payload", () => {
    assert.equal(jwtPrefix("a.b.c"), "a.b.");
    assert.equal(jwtPrefix("a.b."), "a.b.");
    assert.equal(jwtPrefix(".b.c"), undefined);
    assert.equal(jwtPrefix("a.b"), undefined);
    assert.equal(jwtPrefix("a.b.c.d.e"), undefined);
  });
});
