import { describe, expect, it } from "vitest";
import { InvalidInputError } from "./errors";
import {
  formatReference,
  isDigest,
  parseDigest,
  parseManifestRef,
  parseReference,
  referrersTagFor,
  validateRepositoryName,
  validateTag,
} from "./reference";

const HEX64 = "a".repeat(64);
const D256 = `sha256:${HEX64}`;

describe("parseReference: valid references", () => {
  it.each([
    ["nginx", { registry: "docker.io", repository: "library/nginx" }],
    ["nginx:1.25", { registry: "docker.io", repository: "library/nginx", tag: "1.25" }],
    ["team/app:latest", { registry: "docker.io", repository: "team/app", tag: "latest" }],
    ["docker.io/nginx", { registry: "docker.io", repository: "library/nginx" }],
    ["index.docker.io/team/app", { registry: "docker.io", repository: "team/app" }],
    ["127.0.0.1:5000/a/b/c:v1", { registry: "127.0.0.1:5000", repository: "a/b/c", tag: "v1" }],
    ["localhost/app", { registry: "localhost", repository: "app" }],
    ["localhost:5000/app", { registry: "localhost:5000", repository: "app" }],
    ["[::1]:5000/app:x", { registry: "[::1]:5000", repository: "app", tag: "x" }],
    ["ghcr.io/org/app@" + D256, { registry: "ghcr.io", repository: "org/app", digest: D256 }],
    ["ghcr.io/org/app:1.0@" + D256, { registry: "ghcr.io", repository: "org/app", tag: "1.0", digest: D256 }],
    ["registry.example.com/a__b/c-d/e.f_g", { registry: "registry.example.com", repository: "a__b/c-d/e.f_g" }],
    ["reg.example.com/a--b:_private", { registry: "reg.example.com", repository: "a--b", tag: "_private" }],
    ["Registry.Example.com/app", { registry: "Registry.Example.com", repository: "app" }],
    ["foo:5000", { registry: "docker.io", repository: "library/foo", tag: "5000" }],
  ])("%s", (input, expected) => {
    expect(parseReference(input)).toEqual(expected);
  });

  it("uses the configured default registry and does not add library/ outside Docker Hub", () => {
    expect(parseReference("app:1", { defaultRegistry: "127.0.0.1:5000" })).toEqual({
      registry: "127.0.0.1:5000",
      repository: "app",
      tag: "1",
    });
  });

  it("accepts a 128-character tag and a 255-character name", () => {
    const tag = "t".repeat(128);
    expect(parseReference(`app:${tag}`).tag).toBe(tag);
    const name = `r.io/${"a".repeat(250)}`;
    expect(name.length).toBe(255);
    expect(parseReference(name).repository).toBe("a".repeat(250));
  });

  it("round-trips through formatReference", () => {
    const ref = parseReference(`127.0.0.1:5000/team/app:1.0@${D256}`);
    expect(formatReference(ref)).toBe(`127.0.0.1:5000/team/app:1.0@${D256}`);
  });
});

describe("parseReference: invalid references name the problem", () => {
  it.each([
    ["", /reference is empty/],
    ["team/App", /must be lowercase/],
    ["Nginx", /must be lowercase/],
    ["team//app", /empty path component/],
    ["team/app/", /empty path component/],
    ["/app", /empty path component/],
    ["team/-app", /path component "-app"/],
    ["team/app_", /path component "app_"/],
    ["team/a...b", /path component "a...b"/],
    ["team/app:", /tag after ':' is empty/],
    ["team/app:-bad", /tag "-bad"/],
    [`team/app:${"t".repeat(129)}`, /maximum is 128/],
    ["team/app@sha256:abc", /sha256 needs 64 hex characters, got 3/],
    [`team/app@sha256:${"A".repeat(64)}`, /hex must be lowercase/],
    [`team/app@md5:${HEX64}`, /unsupported algorithm "md5"/],
    ["team/app@latest", /expected "<algorithm>:<hex>"/],
    ["my registry/app", /whitespace/],
    ["https://registry.example.com/app", /remove the URL scheme/],
    ["reg_istry.com/app", /invalid label "reg_istry"/],
    ["-reg.example.com/app", /invalid label "-reg"/],
    ["reg.example.com:99999/app", /port "99999"/],
    ["reg.example.com:http/app", /port "http"/],
    ["[::1/app", /unterminated IPv6/],
    [`r.io/${"a".repeat(251)}`, /the maximum is 255/],
  ])("%j", (input, reason) => {
    let caught: unknown;
    try {
      parseReference(input);
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(InvalidInputError);
    expect((caught as Error).message).toMatch(reason);
    expect((caught as Error).message).toContain(`"${input}"`);
  });
});

describe("digests", () => {
  it("parses sha256 and sha512", () => {
    expect(parseDigest(D256)).toEqual({ algorithm: "sha256", hex: HEX64, digest: D256 });
    const d512 = `sha512:${"b".repeat(128)}`;
    expect(parseDigest(d512).algorithm).toBe("sha512");
  });

  it.each([
    [`sha512:${"b".repeat(64)}`, /sha512 needs 128/],
    [`sha256:${"g".repeat(64)}`, /non-hex/],
    [`sha256:${HEX64}0`, /got 65/],
    ["sha256", /expected/],
    [":abc", /expected/],
    [`SHA256:${HEX64}`, /malformed algorithm/],
  ])("rejects %s", (value, reason) => {
    expect(() => parseDigest(value)).toThrow(reason);
    expect(isDigest(value)).toBe(false);
  });

  it("derives the referrers fallback tag, cutting sha512 hex to 64 characters", () => {
    expect(referrersTagFor(D256)).toBe(`sha256-${HEX64}`);
    expect(referrersTagFor(`sha512:${"c".repeat(128)}`)).toBe(`sha512-${"c".repeat(64)}`);
  });
});

describe("repository names, tags and manifest refs", () => {
  it("validates repository paths as used in URLs", () => {
    expect(validateRepositoryName("team/app")).toBe("team/app");
    expect(() => validateRepositoryName("../etc")).toThrow(InvalidInputError);
    expect(() => validateRepositoryName("team/app?x=1")).toThrow(/path component/);
    expect(() => validateRepositoryName("")).toThrow(/empty/);
  });

  it("validates tags", () => {
    expect(validateTag("v1.2.3-rc_1")).toBe("v1.2.3-rc_1");
    expect(() => validateTag(".hidden")).toThrow(/invalid tag/);
    expect(() => validateTag("a/b")).toThrow(/invalid tag/);
  });

  it("tells tags from digests", () => {
    expect(parseManifestRef("latest")).toEqual({ kind: "tag", tag: "latest" });
    expect(parseManifestRef(D256)).toEqual({ kind: "digest", digest: D256 });
    expect(() => parseManifestRef("sha256:123")).toThrow(/64 hex/);
  });
});
