import { describe, expect, it } from "vitest";
import type { Page } from "../provider";
import { collectPages } from "./paging";

/** A listing of `pages` pages of 2 items each, cursors "1", "2", …; `next` overrides the next cursor. */
function script(pages: number, next?: (page: number) => string | undefined) {
  const asked: Array<string | undefined> = [];
  const fetchPage = async (cursor: string | undefined): Promise<Page<string>> => {
    asked.push(cursor);
    const n = cursor === undefined ? 0 : Number(new URL(cursor, "http://r").searchParams.get("p") ?? cursor);
    const following = next ? next(n) : n + 1 < pages ? String(n + 1) : undefined;
    return { items: [`a${n}`, `b${n}`], ...(following !== undefined ? { next: following } : {}) };
  };
  return { asked, fetchPage };
}

describe("collectPages", () => {
  it("reads to the end when the registry stops saying next", async () => {
    const s = script(3);
    expect(await collectPages(s.fetchPage)).toEqual({ items: ["a0", "b0", "a1", "b1", "a2", "b2"] });
    expect(s.asked).toEqual([undefined, "1", "2"]);
  });

  it("stops at the page limit and at the item limit, keeping exactly the limit", async () => {
    const endless = script(Infinity);
    expect((await collectPages(endless.fetchPage, { maxPages: 4 })).truncated).toEqual({ reason: "max-pages", pages: 4, items: 8, message: "the registry kept returning more pages; showing the first 8" });
    const s = script(Infinity);
    const listing = await collectPages(s.fetchPage, { maxItems: 5 });
    expect(listing.items).toEqual(["a0", "b0", "a1", "b1", "a2"]);
    expect(listing.truncated).toMatchObject({ reason: "max-items", pages: 3 });
  });

  it("treats a listing that ends exactly at the item limit as complete", async () => {
    expect(await collectPages(script(2).fetchPage, { maxItems: 4 })).toEqual({ items: ["a0", "b0", "a1", "b1"] });
  });

  it("stops at a cursor seen before, and at the same last= under another URL", async () => {
    const loop = script(Infinity, (n) => String((n + 1) % 3));
    expect((await collectPages(loop.fetchPage)).truncated).toMatchObject({ reason: "repeated-cursor", pages: 4 });
    expect(loop.asked).toEqual([undefined, "1", "2", "0"]);
    const sameLast = script(Infinity, (n) => `http://r/v2/_catalog?last=x&p=${n + 1}`);
    expect((await collectPages(sameLast.fetchPage)).truncated).toMatchObject({ reason: "repeated-cursor", pages: 2 });
  });

  it("returns what it has when the deadline passes during a page", async () => {
    let calls = 0;
    const slow = async (): Promise<Page<string>> => {
      calls++;
      if (calls > 2) await new Promise((r) => setTimeout(r, 5_000));
      return { items: [`x${calls}`], next: `c${calls}` };
    };
    const started = Date.now();
    const listing = await collectPages(slow, { deadlineMs: 300 });
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(listing).toEqual({ items: ["x1", "x2"], truncated: { reason: "deadline", pages: 2, items: 2, message: "reading every page took longer than 300 ms; showing the first 2" } });
  });

  it("passes a registry error through", async () => {
    await expect(collectPages(async () => Promise.reject(new Error("boom")))).rejects.toThrow("boom");
  });
});
