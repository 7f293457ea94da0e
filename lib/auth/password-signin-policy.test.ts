import { describe, expect, it } from "vitest";
import { passwordSignInAllowed } from "./password-signin-policy";

describe("passwordSignInAllowed", () => {
  it("allows everyone while local sign-in is on (or no auth section)", () => {
    expect(passwordSignInAllowed("anyone@x.io", undefined)).toBe(true);
    expect(passwordSignInAllowed("anyone@x.io", { local: true })).toBe(true);
  });

  it("with local: false allows only the break-glass account, whatever the case or spaces", () => {
    const auth = { local: false, breakGlass: "Root@X.io" };
    expect(passwordSignInAllowed(" root@x.IO ", auth)).toBe(true);
    expect(passwordSignInAllowed("alice@x.io", auth)).toBe(false);
    expect(passwordSignInAllowed("root@x.io", { local: false })).toBe(false);
  });
});
