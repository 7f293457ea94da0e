import { describe, expect, it } from "vitest";
import { createTokenCache, expiryFor, tokenCacheKey } from "./token-cache";

describe("token cache", () => {
  it("keys by realm, service and the set of scopes regardless of order", () => {
    expect(tokenCacheKey("r", "s", ["b", "a", "a"])).toBe(tokenCacheKey("r", "s", ["a", "b"]));
    expect(tokenCacheKey("r", "s", ["a"])).not.toBe(tokenCacheKey("r", "s", ["a", "b"]));
  });

  it("serves a token until its expiry, then fetches a new one", async () => {
    let now = 1_000_000;
    const cache = createTokenCache(() => now);
    let fetches = 0;
    const fetch = async () => ({ token: `t${++fetches}`, expiresAt: expiryFor(undefined, now) });
    expect(await cache.get("k", fetch)).toEqual({ token: "t1", fresh: true });
    now += 50_000;
    expect(await cache.get("k", fetch)).toEqual({ token: "t1", fresh: false });
    now += 5_000; // 55 s: inside the 10% safety margin of a 60 s token
    expect(await cache.get("k", fetch)).toEqual({ token: "t2", fresh: true });
    expect(fetches).toBe(2);
  });

  it("shares one fetch among concurrent callers", async () => {
    const cache = createTokenCache();
    let fetches = 0;
    const fetch = async () => {
      fetches++;
      await new Promise((r) => setTimeout(r, 10));
      return { token: "shared", expiresAt: Date.now() + 60_000 };
    };
    const results = await Promise.all(Array.from({ length: 10 }, () => cache.get("k", fetch)));
    expect(fetches).toBe(1);
    expect(new Set(results.map((r) => r.token))).toEqual(new Set(["shared"]));
  });

  it("invalidates only the token that was rejected", async () => {
    const cache = createTokenCache();
    await cache.get("k", async () => ({ token: "old", expiresAt: Date.now() + 60_000 }));
    cache.invalidate("k", "someone-else");
    expect((await cache.get("k", async () => ({ token: "new", expiresAt: 0 }))).token).toBe("old");
    cache.invalidate("k", "old");
    expect((await cache.get("k", async () => ({ token: "new", expiresAt: Date.now() + 60_000 }))).token).toBe("new");
  });

  it("computes expiry from expires_in with a default of 60 s", () => {
    expect(expiryFor(undefined, 0)).toBe(54_000);
    expect(expiryFor(300, 0)).toBe(290_000);
    expect(expiryFor(0, 0)).toBe(54_000);
  });
});
