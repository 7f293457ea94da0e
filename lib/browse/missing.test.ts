import { describe, expect, it } from "vitest";
import { missingReference } from "./missing";

describe("a missing tag or digest, in the page's words", () => {
  it("names the tag and the repository", () => {
    expect(missingReference("team/api", "9.9")).toEqual({ title: "Tag not found", message: "tag 9.9 does not exist in team/api" });
  });

  it("names a digest as a digest", () => {
    const d = `sha256:${"c".repeat(64)}`;
    expect(missingReference("team/api", d)).toEqual({ title: "Digest not found", message: `digest ${d} does not exist in team/api` });
  });
});
