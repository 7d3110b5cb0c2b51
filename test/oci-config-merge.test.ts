import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { mergeProfile, type OciProfile } from "../src/oci/auth/config-file.ts";

const profile: OciProfile = {
  name: "CI",
  user: "ocid1.user.oc1..aaaaaaaauser",
  fingerprint: "aa:bb:cc:dd:ee:ff:00:11:22:33:44:55:66:77:88:99",
  tenancy: "ocid1.tenancy.oc1..aaaaaaaatenancy",
  region: "ap-tokyo-1",
  keyFile: "/home/runner/.oci/fngate-CI.pem",
};
const section = `[CI]
user=ocid1.user.oc1..aaaaaaaauser
fingerprint=aa:bb:cc:dd:ee:ff:00:11:22:33:44:55:66:77:88:99
tenancy=ocid1.tenancy.oc1..aaaaaaaatenancy
region=ap-tokyo-1
key_file=/home/runner/.oci/fngate-CI.pem
`;
const other = "# my laptop profile\n[DEFAULT]\nuser=ocid1.user.oc1..other\nregion=us-ashburn-1\n";

describe("mergeProfile", () => {
  const cases: [string, string | undefined, string][] = [
    ["no file yet", undefined, section],
    ["empty file", "\n", section],
    ["other profiles are kept, byte for byte", other, `${other}\n${section}`],
    ["a file without a final newline", other.trimEnd(), `${other}\n${section}`],
    [
      "the same profile is replaced in place",
      `${other}\n[CI]\nuser=old\nkey_file=/old.pem\n\n[LAST]\nregion=x\n`,
      `${other}\n${section}\n[LAST]\nregion=x\n`,
    ],
    ["a profile header with spaces", "[ CI ]\nuser=old\n", section],
    [
      "a profile whose name only starts the same is not touched",
      "[CI2]\nuser=x\n",
      `[CI2]\nuser=x\n\n${section}`,
    ],
  ];
  for (const [name, existing, expected] of cases) {
    it(name, () => assert.equal(mergeProfile(existing, profile), expected));
  }

  it("is idempotent", () => {
    const once = mergeProfile(other, profile);
    assert.equal(mergeProfile(once, profile), once);
  });
});
