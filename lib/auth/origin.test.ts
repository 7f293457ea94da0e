import { afterEach, describe, expect, it } from "vitest";
import { appOrigins, safeCallbackPath, signInPathFor } from "./origin";

const APP = "http://127.0.0.1:3000";

describe("safeCallbackPath: where to go after signing in", () => {
  it("keeps paths on the app's own origin", () => {
    expect(safeCallbackPath("/promotions/12?tab=gates#timeline", APP)).toBe("/promotions/12?tab=gates#timeline");
    expect(safeCallbackPath("/", APP)).toBe("/");
    expect(safeCallbackPath(`${APP}/settings`, APP)).toBe("/settings");
    expect(safeCallbackPath("/registries/local-dev/repositories/%5Cx", APP)).toBe("/registries/local-dev/repositories/%5Cx");
  });

  it("falls back to / for anything that leaves the site, however it is spelled", () => {
    const payloads = [
      // the review's payloads, as Next hands them to the page (percent-decoded) and as typed
      "/\\127.0.0.1:47611/x",
      "/\t/127.0.0.1:47611/x",
      "/\t/evil.example/",
      "//evil.example",
      "///evil.example",
      "/\\/evil.example",
      "\\\\evil.example",
      "https://evil.example",
      "http://127.0.0.1:47611/x",
      "HTTPS://evil.example/",
      "javascript:alert(document.cookie)",
      " javascript:alert(1)",
      "data:text/html,<script>alert(1)</script>",
      "//127.0.0.1:3000@evil.example/",
      "http://127.0.0.1:3000@evil.example/",
    ];
    for (const raw of payloads) expect(safeCallbackPath(raw, APP), JSON.stringify(raw)).toBe("/");
  });

  it("never answers a path a browser would read as another host", () => {
    // same origin, but a path of "//evil" would be protocol-relative once used as a URL
    expect(safeCallbackPath(`${APP}//evil.example/x`, APP)).toBe("/evil.example/x");
    expect(safeCallbackPath("/%2F%2Fevil.example", APP)).toBe("/%2F%2Fevil.example");
  });

  it("treats a missing or unparsable callbackUrl as /", () => {
    expect(safeCallbackPath(undefined, APP)).toBe("/");
    expect(safeCallbackPath("", APP)).toBe("/");
    expect(safeCallbackPath("http://[::1", APP)).toBe("/");
  });
});

describe("appOrigins", () => {
  const saved = process.env.NEXTAUTH_URL;
  afterEach(() => {
    if (saved === undefined) delete process.env.NEXTAUTH_URL;
    else process.env.NEXTAUTH_URL = saved;
  });

  it("is the configured public URL's origin plus the origin the request was addressed to", () => {
    process.env.NEXTAUTH_URL = "https://dockmaster.example.com/base/";
    expect(appOrigins(new URL("http://10.0.0.5:3000/api/v1/promotions"))).toEqual(["https://dockmaster.example.com", "http://10.0.0.5:3000"]);
    delete process.env.NEXTAUTH_URL;
    expect(appOrigins(new URL(`${APP}/x`))).toEqual([APP]);
  });
});

describe("signInPathFor: the redirect for a visitor without a session", () => {
  it("carries the page asked for, query included, as an encoded callbackUrl", () => {
    expect(signInPathFor("/promotions/12?tab=gates")).toBe("/signin?callbackUrl=%2Fpromotions%2F12%3Ftab%3Dgates");
    expect(signInPathFor("/settings/registries")).toBe("/signin?callbackUrl=%2Fsettings%2Fregistries");
    expect(signInPathFor("/signing-keys")).toBe("/signin?callbackUrl=%2Fsigning-keys");
  });

  it("drops the callbackUrl when there is nowhere worth returning to", () => {
    expect(signInPathFor(null)).toBe("/signin");
    expect(signInPathFor("/")).toBe("/signin");
    expect(signInPathFor("/signin?callbackUrl=%2Fx")).toBe("/signin");
  });

  it("never carries another site, whatever the header said", () => {
    for (const raw of ["//evil.example/x", "https://evil.example/", "/\\evil.example", "javascript:alert(1)"]) expect(signInPathFor(raw), raw).toBe("/signin");
  });
});
