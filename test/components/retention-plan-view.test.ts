/**
 * The Retention page's plan table: per item, per repository group and for the plan, the naive size
 * and what is freed with shared layers counted once ("Frees"), "at most" / "≤" where manifests lack
 * a blob list; a plan computed before "Frees" existed renders as it did.
 */
import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it, vi } from "vitest";
import { RetentionPlanView } from "@/components/retention/plan-view";
import type { StoredPlan } from "@/lib/retention/plan-store";

vi.mock("next/navigation", () => ({ useRouter: () => ({ refresh: () => {} }) }));

const d = (c: string) => `sha256:${c.repeat(64)}`;
const MiB = 1_048_576;

function plan(over: Partial<StoredPlan>): StoredPlan {
  return {
    id: "p1", environment: "dev", hash: "f".repeat(64), indexedAsOf: null, createdAt: "2026-11-30T12:00:00.000Z", createdBy: "admin@x.io", status: "planned",
    bytes: 0, reclaim: null, items: [], protected: [], execution: null, ...over,
  };
}
const text = (html: string) => html.replace(/<[^>]+>/g, " ").replace(/\s+/g, " ");
const group = (html: string, repository: string) => text(html.slice(html.indexOf(`data-repository="${repository}"`), html.indexOf("</tbody>", html.indexOf(`data-repository="${repository}"`))));

describe("RetentionPlanView sizes", () => {
  it("shows Size and Frees per item, per repository and for the plan", () => {
    const items = [
      { repository: "dev/api", tag: "old-1", digest: d("a"), rule: "rules[0] (*)", bytes: 40 * MiB, deletesManifest: true, reclaimed: 30 * MiB },
      { repository: "dev/api", tag: "old-2", digest: d("b"), rule: "rules[0] (*)", bytes: 40 * MiB, deletesManifest: true, reclaimed: 2 * MiB },
      { repository: "dev/web", tag: "old", digest: d("c"), rule: "rules[0] (*)", bytes: 8 * MiB, deletesManifest: true, reclaimed: 8 * MiB, reclaimedUpperBound: true },
    ];
    const html = renderToStaticMarkup(createElement(RetentionPlanView, { plan: plan({ items, bytes: 88 * MiB, reclaim: { bytes: 40 * MiB, upperBound: true, deletedWithoutBlobs: 1, keptWithoutBlobs: 0 } }) }));
    expect(text(html)).toContain("Would free (shared layers counted once) at most 40.0 MiB");
    expect(text(html)).toContain("Sum of manifest sizes 88.0 MiB");
    expect(html).toContain(">Frees</th>");
    // the group row: naive 80 MiB, frees 32 MiB; then each row's size and share
    expect(group(html, "dev/api")).toMatch(/dev\/api \(2\) 80\.0 MiB 32\.0 MiB old-1 .* 40\.0 MiB 30\.0 MiB old-2 .* 40\.0 MiB 2\.0 MiB/);
    expect(group(html, "dev/web")).toContain("8.0 MiB ≤ 8.0 MiB");
    expect(text(html)).toContain("1 deleted manifest was indexed before the index kept layer lists");
    expect(text(html)).toContain("is therefore an upper bound");
  });

  it("a plan computed before reclaimed bytes renders as before: one size column", () => {
    const items = [{ repository: "dev/api", tag: "old-1", digest: d("a"), rule: "rules[0] (*)", bytes: 40 * MiB, deletesManifest: true }];
    const html = renderToStaticMarkup(createElement(RetentionPlanView, { plan: plan({ items, bytes: 40 * MiB }) }));
    expect(text(html)).toContain("Would free 40.0 MiB");
    expect(html).not.toContain("Frees");
    expect(html).not.toContain("upper bound");
  });
});
