import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import type { z } from "zod";
import { retentionSchema } from "@/lib/config/retention";
import { computePlan, reclaimedBytes, RetentionRefusedError, type PlanInput, type PlanManifest, type PlanTag } from "./plan";

const now = new Date("2026-11-30T12:00:00Z");
const daysAgo = (n: number) => new Date(now.getTime() - n * 86_400_000);
const dg = (n: number | string) => `sha256:${createHash("sha256").update(String(n)).digest("hex")}`;

function input(over: Partial<Omit<PlanInput, "policy">> & { policy: z.input<typeof retentionSchema> }): PlanInput {
  return {
    environment: "dev",
    namespace: "dev",
    now,
    tags: [],
    untagged: [],
    manifests: new Map(),
    referrers: [],
    heldInProtected: new Map(),
    promotions: [],
    immutableTags: false,
    pullsReported: false,
    ...over,
    policy: retentionSchema.parse(over.policy),
  };
}

/** tag i of dev/api pushed i days ago, each its own digest of 100 bytes */
function series(n: number, repository = "dev/api"): { tags: PlanTag[]; manifests: Map<string, PlanManifest> } {
  const tags = Array.from({ length: n }, (_, i) => ({ repository, tag: `build-${i}`, digest: dg(`${repository.length}${i}`), pushedAt: daysAgo(i) }));
  return { tags, manifests: new Map(tags.map((t) => [t.digest, { size: 100, children: [], subject: null }])) };
}

describe("computePlan", () => {
  it("keepLast keeps the newest N by push time, keepTags keeps matches, the age narrows the rest", () => {
    const { tags, manifests } = series(20);
    tags[15]!.tag = "v1.2.3";
    const plan = computePlan(input({ tags, manifests, policy: { rules: [{ repositories: "*", keepTags: "^v\\d+\\.\\d+\\.\\d+$", keepLast: 5, deleteOlderThanDays: 10 }] } }));
    // 0..4 newest kept; 5..9 younger than 10 days; 15 matches keepTags
    expect(plan.items.map((i) => i.tag).sort()).toEqual(["build-10", "build-11", "build-12", "build-13", "build-14", "build-16", "build-17", "build-18", "build-19"]);
    expect(plan.items.every((i) => i.rule === "rules[0] (*)" && i.deletesManifest && i.bytes === 100)).toBe(true);
    expect(plan.bytes).toBe(900);
  });

  it("deletes a manifest only when all its tags are planned", () => {
    const tags = [
      { repository: "dev/api", tag: "old", digest: dg(1), pushedAt: daysAgo(40) },
      { repository: "dev/api", tag: "keep-me", digest: dg(1), pushedAt: daysAgo(1) },
      { repository: "dev/api", tag: "older", digest: dg(2), pushedAt: daysAgo(50) },
    ];
    const manifests = new Map([dg(1), dg(2)].map((d) => [d, { size: 10, children: [], subject: null }]));
    const plan = computePlan(input({ tags, manifests, policy: { rules: [{ repositories: "api", deleteOlderThanDays: 30 }] } }));
    expect(plan.items.map((i) => [i.tag, i.deletesManifest, i.bytes])).toEqual([
      ["old", false, 0],
      ["older", true, 10],
    ]);
  });

  it("refuses a policy that would empty a repository unless allowEmpty says so", () => {
    const { tags, manifests } = series(3);
    const policy = { rules: [{ repositories: "api*", deleteOlderThanDays: 1 }] };
    const old = tags.map((t) => ({ ...t, pushedAt: daysAgo(30) }));
    expect(() => computePlan(input({ tags: old, manifests, policy }))).toThrow(RetentionRefusedError);
    expect(() => computePlan(input({ tags: old, manifests, policy }))).toThrow(/rules\[0\] \(api\*\) would delete every tag of dev\/api \(3 tags\); add allowEmpty: true/);
    expect(computePlan(input({ tags: old, manifests, policy: { rules: [{ ...policy.rules[0]!, allowEmpty: true }] } })).items).toHaveLength(3);
    expect(computePlan(input({ tags: old, manifests, policy: { ...policy, allowEmpty: true } })).items).toHaveLength(3);
  });

  it("protections win and say why: prod, open and recent promotions, pins, immutable tags", () => {
    const { tags, manifests } = series(8);
    const plan = computePlan(
      input({
        tags,
        manifests,
        heldInProtected: new Map([[tags[2]!.digest, ["prod"]]]),
        promotions: [
          { number: 12, digest: tags[3]!.digest, open: true, finishedAt: null, targetEnv: "test" },
          { number: 9, digest: tags[4]!.digest, open: false, finishedAt: daysAgo(3), targetEnv: "test" },
          { number: 3, digest: tags[5]!.digest, open: false, finishedAt: daysAgo(30), targetEnv: "test" },
        ],
        policy: { rules: [{ repositories: "*", keepLast: 1 }], pinned: [{ repository: "api", tag: "build-6", reason: "customer LTS" }] },
      }),
    );
    const reasons = Object.fromEntries(plan.protected.map((p) => [p.tag, p.reason]));
    expect(reasons).toEqual({
      "build-2": "running in prod",
      "build-3": "open promotion #12 (to test)",
      "build-4": "promoted recently: #9 to test on 2026-11-27 (within 7 days)",
      "build-6": "pinned by admin: customer LTS",
    });
    expect(plan.items.map((i) => i.tag)).toEqual(["build-1", "build-5", "build-7"]);
    const immutable = computePlan(input({ tags, manifests, immutableTags: true, policy: { rules: [{ repositories: "*", keepLast: 1 }] } }));
    expect(immutable.items).toEqual([]);
    expect(immutable.protected.every((p) => p.reason === "immutable tag (the environment's gates.immutableTags)")).toBe(true);
  });

  it("never selects a child of a kept index, and deletes the children's bytes once with their index", () => {
    const index = dg("i1");
    const [amd, arm] = [dg("c1"), dg("c2")];
    const manifests = new Map<string, PlanManifest>([
      [index, { size: 300, children: [amd, arm], subject: null }],
      [amd, { size: 100, children: [], subject: null }],
      [arm, { size: 200, children: [], subject: null }],
    ]);
    const tags = [
      { repository: "dev/api", tag: "latest", digest: index, pushedAt: daysAgo(1) },
      // a platform manifest also tagged by itself, old enough to be selected
      { repository: "dev/api", tag: "amd64-only", digest: amd, pushedAt: daysAgo(90) },
    ];
    const untagged = [{ repository: "dev/api", digest: arm, untaggedSince: daysAgo(90) }];
    const policy = { rules: [{ repositories: "*", keepTags: "^latest$", deleteOlderThanDays: 30, untaggedOlderThanDays: 7 }] };
    const plan = computePlan(input({ tags, untagged, manifests, policy }));
    expect(plan.items).toEqual([]);
    expect(plan.protected.map((p) => [p.tag, p.reason])).toEqual([
      ["amd64-only", `child of kept index ${index}`],
      [null, `child of kept index ${index}`],
    ]);
    // once the index goes, its children may go, and their bytes are inside the index's size already
    const gone = computePlan(input({ tags: tags.map((t) => ({ ...t, pushedAt: daysAgo(90) })), untagged, manifests, policy: { ...policy, rules: [{ ...policy.rules[0]!, keepTags: "^none$" }], allowEmpty: true } }));
    expect(gone.items.map((i) => i.digest).sort()).toEqual([amd, index, arm].sort());
    expect(gone.bytes).toBe(300);
  });

  it("signatures follow their image; a kept image keeps its signature and a protected signature keeps its image", () => {
    const [img, sig, keptImg, keptSig] = [dg("a1"), dg("s1"), dg("a2"), dg("s2")];
    const manifests = new Map<string, PlanManifest>([
      [img, { size: 50, children: [], subject: null }],
      [sig, { size: 1, children: [], subject: img }],
      [keptImg, { size: 50, children: [], subject: null }],
      [keptSig, { size: 1, children: [], subject: keptImg }],
    ]);
    const tags = [
      { repository: "dev/api", tag: "old", digest: img, pushedAt: daysAgo(60) },
      { repository: "dev/api", tag: `sha256-${img.slice(7)}.sig`, digest: sig, pushedAt: daysAgo(60) },
      { repository: "dev/api", tag: "new", digest: keptImg, pushedAt: daysAgo(1) },
    ];
    const untagged = [{ repository: "dev/api", digest: keptSig, untaggedSince: daysAgo(60) }];
    const policy = { rules: [{ repositories: "*", deleteOlderThanDays: 30, untaggedOlderThanDays: 7 }] };
    const plan = computePlan(input({ tags, untagged, manifests, policy }));
    expect(plan.items.map((i) => [i.tag, i.digest, i.rule])).toEqual([
      ["old", img, "rules[0] (*)"],
      [`sha256-${img.slice(7)}.sig`, sig, `rules[0] (*) (referrer of ${img})`],
    ]);
    expect(plan.protected).toEqual([{ repository: "dev/api", tag: null, digest: keptSig, reason: `signature/attestation of kept image ${keptImg}` }]);

    const pinnedSig = computePlan(input({ tags, untagged, manifests, policy: { ...policy, pinned: [{ repository: "api", digest: sig }] } }));
    expect(pinnedSig.items).toEqual([]);
    expect(pinnedSig.protected.map((p) => [p.tag, p.reason])).toEqual([
      ["old", `subject of kept signature/attestation ${sig}`],
      [`sha256-${img.slice(7)}.sig`, "pinned by admin"],
      [null, `signature/attestation of kept image ${keptImg}`],
    ]);
  });

  it("a rule with only untaggedOlderThanDays touches no tag; repositories outside every glob are untouched", () => {
    const { tags, manifests } = series(5);
    const other = series(5, "dev/web");
    const plan = computePlan(input({ tags: [...tags, ...other.tags], manifests: new Map([...manifests, ...other.manifests]), policy: { rules: [{ repositories: "api", untaggedOlderThanDays: 1 }, { repositories: "db*", keepLast: 0 }] } }));
    expect(plan.items).toEqual([]);
  });

  it("unlessPulledWithinDays keeps a tag pulled within the days and says when; an older pull or a known 'never pulled' does not protect", () => {
    const { tags, manifests } = series(5);
    tags[1]!.pulledAt = daysAgo(3);
    tags[2]!.pulledAt = new Date(now.getTime() - 3_600_000);
    tags[3]!.pulledAt = daysAgo(100);
    tags[4]!.pulledAt = null; // the registry reports pulls and has none for it: never pulled
    const policy = { rules: [{ repositories: "*", keepLast: 1, deleteOlderThanDays: 1, unlessPulledWithinDays: 7 }] };
    const plan = computePlan(input({ tags, manifests, policy, pullsReported: true }));
    expect(plan.items.map((i) => [i.tag, i.rule])).toEqual([
      ["build-3", "rules[0] (*)"],
      ["build-4", "rules[0] (*)"],
    ]);
    expect(plan.protected.map((p) => [p.tag, p.reason])).toEqual([
      ["build-1", "pulled 3 days ago (within 7 days)"],
      ["build-2", "pulled less than a day ago (within 7 days)"],
    ]);
    // a pull exactly at the edge no longer protects
    tags[1]!.pulledAt = daysAgo(7);
    expect(computePlan(input({ tags, manifests, policy, pullsReported: true })).items.map((i) => i.tag)).toEqual(["build-1", "build-3", "build-4"]);
  });

  it("an unknown pull time protects where the registry reports pulls; where it reports none the plan says the rule was not applied", () => {
    const { tags, manifests } = series(3);
    const policy = { rules: [{ repositories: "*", keepLast: 1, unlessPulledWithinDays: 7 }] };
    const reported = computePlan(input({ tags, manifests, policy, pullsReported: true }));
    expect(reported.items).toEqual([]);
    expect(reported.protected.map((p) => [p.tag, p.reason])).toEqual([
      ["build-1", "last pull unknown to the index (the rule keeps tags pulled within 7 days)"],
      ["build-2", "last pull unknown to the index (the rule keeps tags pulled within 7 days)"],
    ]);
    const oci = computePlan(input({ tags, manifests, policy, pullsReported: false }));
    expect(oci.protected).toEqual([]);
    expect(oci.items.map((i) => [i.tag, i.rule])).toEqual([
      ["build-1", "rules[0] (*) (unlessPulledWithinDays not applied: the registry reports no pulls)"],
      ["build-2", "rules[0] (*) (unlessPulledWithinDays not applied: the registry reports no pulls)"],
    ]);
    // a rule without unlessPulledWithinDays says nothing about pulls
    const plain = computePlan(input({ tags, manifests, policy: { rules: [{ repositories: "*", keepLast: 1 }] } }));
    expect(plain.items.map((i) => i.rule)).toEqual(["rules[0] (*)", "rules[0] (*)"]);
  });

  it("keeping wins across rules, and the first selecting rule is named", () => {
    const { tags, manifests } = series(6);
    const plan = computePlan(input({ tags, manifests, policy: { rules: [{ repositories: "api", deleteOlderThanDays: 4 }, { repositories: "*", keepLast: 2 }, { repositories: "a*", keepTags: "^build-5$" }] } }));
    expect(plan.items.map((i) => [i.tag, i.rule])).toEqual([
      ["build-2", "rules[1] (*)"],
      ["build-3", "rules[1] (*)"],
      ["build-4", "rules[0] (api)"],
    ]);
  });

  it("reclaimedBytes counts a digest once however many tags name it", () => {
    expect(reclaimedBytes([
      { digest: dg(1), bytes: 10, deletesManifest: true },
      { digest: dg(1), bytes: 10, deletesManifest: true },
      { digest: dg(2), bytes: 0, deletesManifest: false },
    ])).toBe(10);
  });
});
