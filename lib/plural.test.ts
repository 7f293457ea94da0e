import { describe, expect, it } from "vitest";
import { plural } from "./plural";

describe("plural", () => {
  it("uses the singular for exactly one and the plural otherwise", () => {
    expect(plural(1, "tag")).toBe("1 tag");
    expect(plural(0, "tag")).toBe("0 tags");
    expect(plural(3, "image")).toBe("3 images");
  });

  it("takes an irregular plural", () => {
    expect(plural(1, "repository", "repositories")).toBe("1 repository");
    expect(plural(2, "repository", "repositories")).toBe("2 repositories");
    expect(plural(2, "mismatch", "mismatches")).toBe("2 mismatches");
  });

  it("groups thousands and treats fractions as plural", () => {
    expect(plural(12345, "row")).toBe("12,345 rows");
    expect(plural(1.5, "day")).toBe("1.5 days");
  });
});
