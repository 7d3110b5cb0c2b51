/**
 * The words of an OCI IAM policy statement. "Spare spaces or line breaks in the statement have no
 * effect" (https://docs.oracle.com/iaas/Content/Identity/Concepts/policysyntax.htm); braces, commas
 * and the = and != operators stand alone; a 'quoted' part may hold spaces ('My Group', or an identity
 * domain's 'Default'/'Admins'); a /slashed/ word is a condition pattern, * its wildcard.
 */
export type PolicyToken =
  | { kind: "word"; text: string; quoted: boolean }
  | { kind: "pattern"; text: string }
  | { kind: "symbol"; text: "{" | "}" | "," | "=" | "!=" };

export function tokenizeStatement(statement: string): PolicyToken[] | string {
  const tokens: PolicyToken[] = [];
  let index = 0;
  const text = statement;
  while (index < text.length) {
    const char = text[index] ?? "";
    if (/\s/.test(char)) {
      index++;
    } else if (char === "{" || char === "}" || char === "," || char === "=") {
      tokens.push({ kind: "symbol", text: char });
      index++;
    } else if (char === "!" && text[index + 1] === "=") {
      tokens.push({ kind: "symbol", text: "!=" });
      index += 2;
    } else if (char === "/") {
      const end = text.indexOf("/", index + 1);
      if (end < 0) return `unterminated pattern at ${JSON.stringify(text.slice(index, index + 20))}`;
      tokens.push({ kind: "pattern", text: text.slice(index + 1, end) });
      index = end + 1;
    } else {
      let word = "";
      let quoted = false;
      while (index < text.length) {
        const next = text[index] ?? "";
        if (next === "'" || next === '"') {
          const end = text.indexOf(next, index + 1);
          if (end < 0) return `unterminated quote at ${JSON.stringify(text.slice(index, index + 20))}`;
          word += text.slice(index + 1, end);
          quoted = true;
          index = end + 1;
        } else if (/[\s{},=]/.test(next) || (next === "!" && text[index + 1] === "=")) {
          break;
        } else {
          word += next;
          index++;
        }
      }
      tokens.push({ kind: "word", text: word, quoted });
    }
  }
  return tokens;
}
