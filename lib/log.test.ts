import { describe, expect, it } from "vitest";
import { formatLogRecord, installLogSanitizer, sanitizeForLog } from "./log";

describe("log sanitizer", () => {
  it("makes control characters visible instead of writing them", () => {
    expect(sanitizeForLog("repo\u0000name")).toBe("repo\\u0000name");
    expect(sanitizeForLog("a\rb")).toBe("a\\u000db");
    expect(sanitizeForLog("\u001b[2J\u001b]0;pwned\u0007")).toBe("\\u001b[2J\\u001b]0;pwned\\u0007");
    expect(sanitizeForLog("tab\there")).toBe("tab\\u0009here");
    expect(sanitizeForLog("c1\u009bx del\u007f")).toBe("c1\\u009bx del\\u007f");
    expect(sanitizeForLog("line\u2028sep \u202eevil")).toBe("line\\u2028sep \\u202eevil");
    expect(sanitizeForLog("plain text, ünïcödé and emoji 🐳")).toBe("plain text, ünïcödé and emoji 🐳");
  });

  it("keeps a record's line breaks but indents them, so no text inside can start a record of its own", () => {
    const out = sanitizeForLog("[api] GET /x failed: tag\n[api] POST /approve ok\r\n[auth] admin signed in");
    expect(out.split("\n").slice(1).every((l) => l.startsWith("    "))).toBe(true);
    expect(out).not.toMatch(/\n\[/);
    // sanitizing twice (logError under an installed sanitizer) changes nothing more
    expect(sanitizeForLog(out)).toBe(out);
  });

  it("formats errors like console does (stack and cause) before sanitizing", () => {
    const err = new Error("bad\u001b[31m", { cause: new Error("root cause") });
    const out = formatLogRecord(["[api] failed:", err]);
    expect(out).toContain("[api] failed: Error: bad\\u001b[31m");
    expect(out).toContain("root cause");
    expect(out).not.toContain("\u001b");
  });

  it("routes every console method through the sanitizer once installed", () => {
    const written: unknown[][] = [];
    const sink = (...args: unknown[]) => void written.push(args);
    const fake = { log: sink, info: sink, warn: sink, error: sink, debug: sink } as unknown as Console;
    installLogSanitizer(fake);
    installLogSanitizer(fake); // idempotent: not wrapped twice
    fake.error("[promotion %s] failed:", "p1\r\n[auth] forged", new Error("x\u0000"));
    fake.log({ repo: "a\u001bb" });
    expect(written).toHaveLength(2);
    expect(written.every((args) => args.length === 1 && typeof args[0] === "string")).toBe(true);
    const [first] = written[0] as [string];
    expect(first.startsWith("[promotion p1\\u000d\n    [auth] forged] failed: Error: x\\u0000")).toBe(true);
    expect(written[1]![0]).toBe("{ repo: 'a\\x1Bb' }");
  });
});
