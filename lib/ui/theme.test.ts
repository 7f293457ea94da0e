import { describe, expect, it } from "vitest";
import { parseTheme, themeClass } from "./theme";

describe("theme choice", () => {
  it("reads the two fixed themes from the cookie and follows the system otherwise", () => {
    expect(parseTheme("dark")).toBe("dark");
    expect(parseTheme("light")).toBe("light");
    expect(parseTheme("system")).toBe("system");
    expect(parseTheme(undefined)).toBe("system");
    expect(parseTheme("<script>")).toBe("system");
  });

  it("pins the theme with a class on <html>, or leaves it to prefers-color-scheme", () => {
    expect(themeClass("dark")).toBe("dark");
    expect(themeClass("light")).toBe("light");
    expect(themeClass("system")).toBeUndefined();
  });
});
