import { describe, expect, it } from "vitest";
import { challengeScopes, parseAuthChallenges, pickChallenge } from "./auth-challenge";

describe("parseAuthChallenges", () => {
  it("parses a Distribution bearer challenge", () => {
    const [c] = parseAuthChallenges(
      'Bearer realm="https://auth.example.com/token",service="registry.example.com",scope="repository:team/app:pull,push"',
    );
    expect(c).toEqual({
      scheme: "bearer",
      params: { realm: "https://auth.example.com/token", service: "registry.example.com", scope: "repository:team/app:pull,push" },
    });
  });

  it("parses several challenges in one header, escapes, unquoted values and odd spacing", () => {
    const challenges = parseAuthChallenges('Basic realm="a \\"quoted\\" realm" , Bearer realm=https://t.example/token, error="insufficient_scope"');
    expect(challenges).toEqual([
      { scheme: "basic", params: { realm: 'a "quoted" realm' } },
      { scheme: "bearer", params: { realm: "https://t.example/token", error: "insufficient_scope" } },
    ]);
    expect(pickChallenge(challenges)?.scheme).toBe("bearer");
  });

  it("accepts multiple header values and a bare scheme", () => {
    const challenges = parseAuthChallenges(["Negotiate", 'Basic realm="r"']);
    expect(challenges.map((c) => c.scheme)).toEqual(["negotiate", "basic"]);
    expect(pickChallenge(challenges)).toEqual({ scheme: "basic", params: { realm: "r" } });
  });

  it("splits space-separated scopes", () => {
    const [c] = parseAuthChallenges('Bearer realm="x",scope="repository:a:pull repository:b:pull"');
    expect(challengeScopes(c)).toEqual(["repository:a:pull", "repository:b:pull"]);
    expect(challengeScopes(undefined)).toEqual([]);
    expect(parseAuthChallenges(undefined)).toEqual([]);
  });
});
