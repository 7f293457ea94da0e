import { describe, expect, it } from "vitest";
import { parseAppConfig } from "@/lib/app-config";

const parse = (text: string) => parseAppConfig(text, "dockmaster.yaml", {});

describe("auth.tokens in dockmaster.yaml", () => {
  it("reads maxDays, and defaults to 365 when the section is absent or empty", () => {
    expect(parse("auth:\n  tokens:\n    maxDays: 30\n").auth?.tokens.maxDays).toBe(30);
    expect(parse("auth: {}\n").auth?.tokens.maxDays).toBe(365);
    expect(parse("registries: []\n").auth).toBeUndefined();
  });

  it("refuses a bad maxDays or an unknown key naming the file and line", () => {
    expect(() => parse("registries: []\nauth:\n  tokens:\n    maxDays: 0\n")).toThrow("dockmaster.yaml:4: auth.tokens.maxDays: must be at least 1 day");
    expect(() => parse("auth:\n  tokens:\n    maxDays: 5000\n")).toThrow("dockmaster.yaml:3: auth.tokens.maxDays: must be at most 3650 days (10 years)");
    expect(() => parse("auth:\n  tokens:\n    maxDays: soon\n")).toThrow(/dockmaster\.yaml:3: auth\.tokens\.maxDays: /);
    expect(() => parse("auth:\n  tokens:\n    maxdays: 5\n")).toThrow(/dockmaster\.yaml:3: auth\.tokens: Unrecognized key/);
  });
});
