import { describe, expect, it } from "vitest";
import { describeRegistryError, InvalidInputError, RegistryError } from "./errors";

describe("describeRegistryError", () => {
  it("passes kind and message through and adds a hint", () => {
    const e = new RegistryError({
      kind: "rate_limited",
      message: "registry r.io is rate limiting requests",
      status: 429,
      retryAfterMs: 5000,
      errors: [{ code: "TOOMANYREQUESTS", message: "slow down" }],
    });
    const d = describeRegistryError(e);
    expect(d).toMatchObject({ kind: "rate_limited", message: "registry r.io is rate limiting requests", status: 429, retryAfterMs: 5000 });
    expect(d.hint).toMatch(/throttling/);
    expect(e.codes).toEqual(["TOOMANYREQUESTS"]);
  });

  it("classifies invalid input and unknown errors", () => {
    expect(describeRegistryError(new InvalidInputError("invalid tag", "x"))).toEqual({ kind: "invalid_input", message: "invalid tag" });
    expect(describeRegistryError(new TypeError("oops"))).toEqual({ kind: "internal", message: "unexpected error: oops" });
    expect(describeRegistryError("str")).toEqual({ kind: "internal", message: "unexpected error: str" });
  });
});
