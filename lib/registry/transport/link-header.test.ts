import { describe, expect, it } from "vitest";
import { parseNextLink } from "./link-header";

const base = new URL("http://127.0.0.1:5000/v2/_catalog?n=5");

describe("parseNextLink", () => {
  it("resolves Distribution's relative link against the request URL, keeping its query exactly", () => {
    expect(parseNextLink(['</v2/_catalog?last=team%2Fapp&n=5>; rel="next"'], base)?.toString()).toBe(
      "http://127.0.0.1:5000/v2/_catalog?last=team%2Fapp&n=5",
    );
  });

  it("picks rel=next among several links and accepts unquoted rel and absolute targets", () => {
    const header = '<https://r.example/v2/_catalog?page=1>; rel="prev", <https://r.example/v2/_catalog?page=3&token=x%3D>; rel=next';
    expect(parseNextLink([header], base)?.toString()).toBe("https://r.example/v2/_catalog?page=3&token=x%3D");
  });

  it("returns undefined without a next link", () => {
    expect(parseNextLink([], base)).toBeUndefined();
    expect(parseNextLink(['</v2/_catalog?n=1>; rel="prev"'], base)).toBeUndefined();
  });
});
