import { describe, expect, it } from "vitest";
import { formatDistinguishedName, identityMatches, parseTrustedIdentity } from "./x509-name";
import type { DistinguishedName } from "./x509-profile";

// certificate order: most significant first, as in the DER
const subject: DistinguishedName = [[{ type: "C", value: "US" }], [{ type: "ST", value: "WA" }], [{ type: "O", value: "Corp, Inc." }], [{ type: "CN", value: "release" }]];

describe("formatDistinguishedName", () => {
  it("writes RFC 4514 order with escaped specials", () => {
    expect(formatDistinguishedName(subject)).toBe("CN=release,O=Corp\\, Inc.,ST=WA,C=US");
    expect(formatDistinguishedName([[{ type: "CN", value: " lead#" }, { type: "OU", value: "a+b" }]])).toBe("CN=\\ lead#+OU=a\\+b");
  });
});

describe("identityMatches (trust policy x509.subject)", () => {
  it("matches a full identity in another order and with blanks after commas", () => {
    expect(identityMatches("x509.subject: CN=release, O=Corp\\, Inc., ST=WA, C=US", subject)).toBe(true);
    expect(identityMatches("x509.subject: C=US, ST=WA, O=Corp\\, Inc., CN=release", subject)).toBe(true);
  });

  it("matches a partial identity, with S as an alias of ST and type names in any case", () => {
    expect(identityMatches("x509.subject: c=US, S=WA, O=Corp\\, Inc.", subject)).toBe(true);
  });

  it("does not match when a named attribute differs or is absent", () => {
    expect(identityMatches("x509.subject: CN=ci, O=Corp\\, Inc.", subject)).toBe(false);
    expect(identityMatches("x509.subject: CN=release, OU=Security", subject)).toBe(false);
    // values compare exactly: the unescaped comma splits "Corp" and " Inc." into two attributes
    expect(identityMatches("x509.subject: O=Corp, Inc.", subject)).toBe(false);
  });

  it("treats * as any identity and rejects what is not an x509.subject identity", () => {
    expect(identityMatches("*", subject)).toBe(true);
    expect(identityMatches("CN=release", subject)).toBe(false);
    expect(parseTrustedIdentity("x509.subject: CN")).toBeNull();
    expect(parseTrustedIdentity("x509.subject: CN=")).toBeNull();
    expect(parseTrustedIdentity("x509.subject: CN=a\\")).toBeNull();
  });

  it("keeps escaped leading and trailing blanks of a value", () => {
    expect(parseTrustedIdentity("x509.subject: CN=\\ padded\\ ")).toEqual([{ type: "CN", value: " padded " }]);
  });
});
