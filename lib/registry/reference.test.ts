import { describe, expect, it } from "vitest";
import { InvalidInputError } from "./errors";
import { isDigest, isReferrersTag, parseDigest, parseManifestRef, referrersTagFor, TAG_PATTERN, validateRepositoryName, validateTag } from "./reference";

const HEX64 = "a".repeat(64);
const D256 = `sha256:${HEX64}`;

describe("repository names and tags: valid ones pass, invalid ones name the problem", () => {
  it.each(["a__b/c-d/e.f_g", "a--b", "a/b/c", "a".repeat(255)])("accepts name %s", (name) => {
    expect(validateRepositoryName(name)).toBe(name);
  });

  it.each(["latest", "1.25", "_private", "t".repeat(128)])("accepts tag %s", (tag) => {
    expect(validateTag(tag)).toBe(tag);
    expect(TAG_PATTERN.test(tag)).toBe(true);
  });

  it.each([
    ["team/App", /must be lowercase/],
    ["team//app", /empty path component/],
    ["team/app/", /empty path component/],
    ["/app", /empty path component/],
    ["team/-app", /path component "-app"/],
    ["team/app_", /path component "app_"/],
    ["team/a...b", /path component "a...b"/],
    ["a".repeat(256), /the maximum is 255/],
  ])("rejects name %j", (input, reason) => {
    let caught: unknown;
    try {
      validateRepositoryName(input);
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(InvalidInputError);
    expect((caught as Error).message).toMatch(reason);
    expect((caught as Error).message).toContain(`"${input}"`);
  });

  it.each([
    ["-bad", /must start with a letter, digit or '_'/],
    ["t".repeat(129), /maximum is 128/],
  ])("rejects tag %j", (tag, reason) => {
    expect(() => validateTag(tag)).toThrow(reason);
    expect(TAG_PATTERN.test(tag)).toBe(false);
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

  it("recognises exactly the tags referrersTagFor makes as referrers tags", () => {
    expect(isReferrersTag(referrersTagFor(D256))).toBe(true);
    expect(isReferrersTag(referrersTagFor(`sha512:${"c".repeat(128)}`))).toBe(true);
    // cosign's signature tags hold real manifests; version-like and short hex tags are image tags
    expect(isReferrersTag(`${referrersTagFor(D256)}.sig`)).toBe(false);
    expect(isReferrersTag("sha256-abc123")).toBe(false);
    expect(isReferrersTag("1.0.0")).toBe(false);
    expect(isReferrersTag(`SHA256-${HEX64}`)).toBe(false);
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
