import { describe, expect, it } from "vitest";
import { namedCache } from "@/lib/browse/cache";
import { catalogChanged } from "./changes";

describe("a changed catalog, announced by lib/inventory", () => {
  it("is forgotten by the browse caches, which listen without lib/inventory importing them", async () => {
    const catalogs = namedCache<{ names: string[] }>("catalog", { max: 10, ttlMs: 60_000 });
    let loads = 0;
    const load = async () => ({ names: [`r${++loads}`] });
    expect(await catalogs.get("hub", load)).toEqual({ names: ["r1"] });
    expect(await catalogs.get("hub", load)).toEqual({ names: ["r1"] }); // cached
    catalogChanged("hub");
    expect(await catalogs.get("hub", load)).toEqual({ names: ["r2"] });
  });
});
