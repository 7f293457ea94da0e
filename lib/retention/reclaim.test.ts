import { describe, expect, it } from "vitest";
import type { PlanManifest } from "./plan";
import { attributeReclaim, reclaimSets } from "./reclaim";
import type { RetentionPlanItem } from "./types";

const m = (children: string[] = []): PlanManifest => ({ size: 1, children, subject: null });
const item = (repository: string, tag: string | null, digest: string, deletesManifest = true): RetentionPlanItem => ({ repository, tag, digest, rule: "rules[0] (*)", bytes: 1, deletesManifest });
const base = { untagged: [], referrers: [] };
const tag = (repository: string, t: string, digest: string) => ({ repository, tag: t, digest, pushedAt: new Date(0) });

describe("reclaimSets", () => {
  it("a manifest goes with its first item's rank; one whose tags are not all planned is kept", () => {
    const tags = [tag("dev/api", "a", "A"), tag("dev/api", "a2", "A"), tag("dev/api", "b", "B"), tag("dev/api", "c", "C")];
    const items = [item("dev/api", "a", "A"), item("dev/api", "a2", "A"), item("dev/api", "b", "B", false)];
    const sets = reclaimSets({ ...base, tags, manifests: new Map() }, items);
    expect([...sets.deleted]).toEqual([["A", 0]]);
    expect([...sets.kept].sort()).toEqual(["B", "C"]);
  });

  it("the same digest kept in another repository of the environment frees nothing", () => {
    const tags = [tag("dev/api", "old", "A"), tag("dev/web", "live", "A")];
    const sets = reclaimSets({ ...base, tags, manifests: new Map() }, [item("dev/api", "old", "A")]);
    expect(sets.deleted.size).toBe(0);
    expect([...sets.kept]).toEqual(["A"]);
  });

  it("an index's children go with it unless a kept index or a tag still names them; referrers and untagged manifests count as held", () => {
    const manifests = new Map([["I", m(["c1", "c2"])], ["K", m(["c2"])], ["c1", m()], ["c2", m()], ["S", m(["S"])]]);
    const tags = [tag("dev/api", "old", "I"), tag("dev/api", "live", "K"), tag("dev/api", "self", "S")];
    const input = { tags, manifests, untagged: [{ repository: "dev/api", digest: "U", untaggedSince: new Date(0) }], referrers: [{ repository: "dev/api", subject: "K", referrer: "R" }] };
    // a hostile index that lists itself does not loop
    const sets = reclaimSets(input, [item("dev/api", "old", "I"), item("dev/api", "self", "S")]);
    expect([...sets.deleted].sort()).toEqual([["I", 0], ["S", 1], ["c1", 0]]);
    expect([...sets.kept].sort()).toEqual(["K", "R", "U", "c2"]);
  });
});

describe("attributeReclaim", () => {
  it("gives each item its rank's bytes, flags a full-size fallback, and totals the plan", () => {
    const items = [item("dev/api", "a", "A"), item("dev/api", "b", "B"), item("dev/web", "c", "C")];
    const { items: out, reclaim } = attributeReclaim(items, [{ rank: 0, bytes: 100, fallback: false }, { rank: 0, bytes: 5, fallback: false }, { rank: 2, bytes: 40, fallback: true }], 0);
    expect(out.map((i) => [i.tag, i.reclaimed, i.reclaimedUpperBound])).toEqual([["a", 105, undefined], ["b", 0, undefined], ["c", 40, true]]);
    expect(reclaim).toEqual({ bytes: 145, upperBound: true, deletedWithoutBlobs: 1, keptWithoutBlobs: 0 });
    expect(attributeReclaim(items, [{ rank: 1, bytes: 7, fallback: false }], 3).reclaim).toEqual({ bytes: 7, upperBound: true, deletedWithoutBlobs: 0, keptWithoutBlobs: 3 });
    expect(attributeReclaim(items, [], 0).reclaim).toEqual({ bytes: 0, upperBound: false, deletedWithoutBlobs: 0, keptWithoutBlobs: 0 });
  });
});
