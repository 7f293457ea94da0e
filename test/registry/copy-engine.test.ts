import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createOciProvider, RegistryError, type RegistryProvider } from "@/lib/registry";
import { executeCopy, planCopy, verifyCopy } from "@/lib/registry/copy";
import { startFaultProxy, type FaultProxy } from "../harness/fault-proxy";
import { buildImage } from "../harness/image-builder";
import { startRegistry, type RunningRegistry } from "../harness/registry";
import { pushImage, seedStandardImages, type SeededStandardImages } from "../harness/seed";

let a: RunningRegistry;
let b: RunningRegistry;
let proxy: FaultProxy;
let src: RegistryProvider;
let dst: RegistryProvider;
let seeded: SeededStandardImages;

const anon = (name: string, url: string) => createOciProvider({ name, url, auth: { kind: "anonymous" } });

beforeAll(async () => {
  [a, b] = await Promise.all([startRegistry(), startRegistry({ auth: "htpasswd", users: [{ username: "ci", password: "target-pw" }] })]);
  src = anon("a", a.url);
  dst = createOciProvider({ name: "b", url: b.url, auth: { kind: "basic", username: "ci", password: "target-pw" } });
  seeded = await seedStandardImages(src, { namespace: "dev" });
  proxy = await startFaultProxy(a.url);
});

afterAll(async () => {
  await Promise.all([src?.close(), dst?.close()]);
  await proxy?.stop();
  await Promise.all([a?.stop(), b?.stop()]);
});

describe("copy engine against two real registries", () => {
  it("copies a multi-arch index with every platform, then tags and verifies it", async () => {
    const plan = await planCopy(src, seeded.multiArch.repository, seeded.multiArch.digest, dst, "prod/multi");
    expect(plan.manifests.map((m) => m.role)).toEqual(["platform", "platform", "platform", "root"]);
    expect(plan.totals).toMatchObject({ blobs: 6, skip: 0, mount: 0, copy: 6 });
    const result = await executeCopy(src, dst, plan, "2.0.0");
    expect(result.progress).toMatchObject({ copied: 6, skipped: 0, manifestsPushed: 4, bytesSent: plan.totals.bytesToSend });
    expect((await dst.headManifest("prod/multi", "2.0.0"))?.digest).toBe(seeded.multiArch.digest);
    for (const p of seeded.multiArch.platforms) expect((await dst.headManifest("prod/multi", p.digest))?.digest).toBe(p.digest);
  });

  it("re-copying sends zero blob bytes: everything is skipped", async () => {
    const plan = await planCopy(src, seeded.multiArch.repository, seeded.multiArch.digest, dst, "prod/multi");
    expect(plan.totals).toMatchObject({ skip: 6, copy: 0, bytesToSend: 0 });
    const result = await executeCopy(src, dst, plan, "2.0.0");
    expect(result.progress).toMatchObject({ skipped: 6, copied: 0, bytesSent: 0 });
  });

  it("verification reads the tag back: another digest or a missing tag fails, naming what was found", async () => {
    await verifyCopy(dst, "prod/multi", "2.0.0", seeded.multiArch.digest, "b");
    const wrong = seeded.multiArch.platforms[0]!.digest;
    await expect(verifyCopy(dst, "prod/multi", "2.0.0", wrong, "b")).rejects.toMatchObject({
      kind: "digest_mismatch",
      message: `verification failed: prod/multi:2.0.0 on b resolves to ${seeded.multiArch.digest}, expected ${wrong}`,
    });
    await expect(verifyCopy(dst, "prod/multi", "9.9.9", seeded.multiArch.digest, "b")).rejects.toMatchObject({
      kind: "not_found",
      message: "verification failed: prod/multi:9.9.9 is missing on b after the copy",
    });
  });

  it("carries referrers (signature and SBOM) along, discoverable in the target", async () => {
    const plan = await planCopy(src, seeded.signed.repository, seeded.signed.digest, dst, "prod/signed");
    expect(plan.manifests.filter((m) => m.role === "referrer")).toHaveLength(2);
    await executeCopy(src, dst, plan, "1.0.0");
    const { referrers } = await dst.listReferrers("prod/signed", seeded.signed.digest);
    expect(referrers.map((r) => r.digest).sort()).toEqual(seeded.signed.referrers.map((r) => r.digest).sort());
  });

  it("mounts blobs across repositories of the same registry instead of sending them", async () => {
    const plan = await planCopy(src, seeded.single.repository, seeded.single.digest, src, "test/single");
    expect(plan.totals).toMatchObject({ mount: 3, copy: 0, bytesToSend: 0 });
    const result = await executeCopy(src, src, plan, "1.0.0");
    expect(result.progress).toMatchObject({ mounted: 3, copied: 0, bytesSent: 0 });
    expect((await src.headManifest("test/single", "1.0.0"))?.digest).toBe(seeded.single.digest);
  });

  it("resumes after the connection is cut mid-blob without re-sending finished blobs", async () => {
    const image = buildImage({ layerCount: 4, layerSize: 256 * 1024 });
    const digest = await pushImage(src, "dev/resume", image, "1");
    const viaProxy = anon("proxy", proxy.url);
    const big = image.layers[3]!;
    proxy.addRule({ method: "GET", path: new RegExp(`/blobs/${big.digest}`), times: 1, action: { kind: "drop", afterBytes: 100_000 } });
    const plan = await planCopy(viaProxy, "dev/resume", digest, dst, "prod/resume");
    await expect(executeCopy(viaProxy, dst, plan, "1", { concurrency: 1 })).rejects.toThrow(RegistryError);
    expect(await dst.headManifest("prod/resume", "1")).toBeNull();
    const arrived = (await Promise.all(plan.blobs.map((x) => dst.headBlob("prod/resume", x.digest)))).filter(Boolean).length;
    expect(arrived).toBeGreaterThan(0);
    expect(arrived).toBeLessThan(plan.blobs.length);

    const retryPlan = await planCopy(viaProxy, "dev/resume", digest, dst, "prod/resume");
    expect(retryPlan.totals.skip).toBe(arrived);
    const result = await executeCopy(viaProxy, dst, retryPlan, "1", { concurrency: 1 });
    expect(result.progress.copied).toBe(plan.blobs.length - arrived);
    expect(result.progress.bytesSent).toBe(retryPlan.totals.bytesToSend);
    expect((await dst.headManifest("prod/resume", "1"))?.digest).toBe(digest);
    await viaProxy.close();
  });

  // chunked: PATCH uploads (for proxies that cap request bodies), where the source stream's own check is the only hash
  for (const [label, options] of [["one streamed PUT", {}], ["PATCH chunks", { chunkSize: 16 * 1024 }]] as const) {
    it(`fails with digest_mismatch when a proxy corrupts a layer, and never tags the target (${label})`, async () => {
      const image = buildImage({ layerCount: 1, layerSize: 64 * 1024 });
      const repo = `corrupt-${"chunkSize" in options ? "chunked" : "put"}`;
      const digest = await pushImage(src, `dev/${repo}`, image, "1");
      proxy.reset();
      proxy.addRule({ method: "GET", path: new RegExp(`/blobs/${image.layers[0]!.digest}`), action: { kind: "corrupt", offset: 1000, count: 4 } });
      const viaProxy = anon("proxy", proxy.url);
      const plan = await planCopy(viaProxy, `dev/${repo}`, digest, dst, `prod/${repo}`);
      const err = await executeCopy(viaProxy, dst, plan, "1", options).catch((e) => e);
      expect(err).toBeInstanceOf(RegistryError);
      expect((err as RegistryError).kind).toBe("digest_mismatch");
      expect(await dst.headManifest(`prod/${repo}`, "1")).toBeNull();
      expect(await dst.headBlob(`prod/${repo}`, image.layers[0]!.digest)).toBeNull();
      proxy.reset();
      await viaProxy.close();
    });
  }
});
