import { describe, expect, it } from "vitest";
import type { ArtifactDetails, LifecycleReport, Page, RegistryProvider } from "@/lib/registry";
import { loadTagPage } from "./tag-page";

/**
 * A registry whose tag listing answers only once the lifecycle report has been asked for: a page
 * that reads them one after the other never finishes, one that reads them together does.
 */
function registryNeedingBothAtOnce(name: string, lifecycleFails = false) {
  let lifecycleAsked!: () => void;
  const asked = new Promise<void>((resolve) => (lifecycleAsked = resolve));
  const calls: string[] = [];
  const provider = {
    name,
    host: `${name}.test`,
    async listTags(): Promise<Page<string>> {
      calls.push("listTags");
      await asked;
      return { items: ["1.0"], total: 1 } as Page<string>;
    },
    async describeArtifact(_repo: string, ref: string): Promise<ArtifactDetails> {
      return { digest: `sha256:${"a".repeat(64)}`, mediaType: "application/vnd.oci.image.manifest.v1+json", size: 1, platforms: [], ref } as unknown as ArtifactDetails;
    },
    async headManifest() {
      return { digest: `sha256:${"a".repeat(64)}`, mediaType: "application/vnd.oci.image.manifest.v1+json", size: 1 };
    },
    async tagLifecycle(): Promise<LifecycleReport> {
      calls.push("tagLifecycle");
      lifecycleAsked();
      if (lifecycleFails) throw new Error("retention API down");
      return { tags: [{ tag: "1.0" }], immutability: false, pullTimes: false } as LifecycleReport;
    },
  } as unknown as RegistryProvider;
  return { provider, calls };
}

describe("the repository page's data", () => {
  it("reads the lifecycle columns in parallel with the tag table", async () => {
    const { provider, calls } = registryNeedingBothAtOnce("parallel");
    const timeout = new Promise<never>((_, reject) => setTimeout(() => reject(new Error("the tag table waited for the lifecycle report or the other way round")), 2000));
    const page = await Promise.race([loadTagPage(provider, "app", {}), timeout]);
    expect(calls.slice(0, 2).sort()).toEqual(["listTags", "tagLifecycle"]);
    expect(page.table.ok && page.table.data.rows.map((r) => r.tags)).toEqual([["1.0"]]);
    expect(page.lifecycle.ok && page.lifecycle.data?.byTag["1.0"]).toEqual({ tag: "1.0" });
  });

  it("shows the tags when the lifecycle report fails", async () => {
    const { provider } = registryNeedingBothAtOnce("lifecycle-down", true);
    const page = await loadTagPage(provider, "app", {});
    expect(page.table.ok).toBe(true);
    expect(!page.lifecycle.ok && page.lifecycle.error.message).toMatch(/retention API down/);
  });
});
