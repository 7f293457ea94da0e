/**
 * The harness itself: registries are cleaned up (also when the test process dies), seeded images are
 * valid for an independent client (skopeo), and the bulk seeder shares blobs across repositories.
 */
import { execFile, spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { createOciProvider } from "../../lib/registry/oci/provider";
import { startFaultProxy } from "../harness/fault-proxy";
import { probe, startRegistry } from "../harness/registry";
import { bulkRepositoryName, bulkTagName, seedBulk, seedStandardImages } from "../harness/seed";
import { writeBulkStorage } from "../harness/storage-seed";
import { makeTempDir, removeDir } from "../harness/temp-dir";

const run = promisify(execFile);
const repoRoot = path.resolve(__dirname, "../..");

/** whether anything answers GET /v2/ on the port (any status) within 500 ms */
async function answers(port: number): Promise<boolean> {
  return (await probe(port, 500)) !== undefined;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function waitFor(check: () => Promise<boolean> | boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return false;
}

describe("registry lifecycle", () => {
  it("stop() ends the registry and removes its temp dir", async () => {
    const registry = await startRegistry();
    expect(await answers(registry.port)).toBe(true);
    expect(fs.existsSync(registry.dir)).toBe(true);
    await registry.stop();
    expect(await answers(registry.port)).toBe(false);
    expect(fs.existsSync(registry.dir)).toBe(false);
    expect(alive(registry.pid)).toBe(false);
  });

  it("a test process killed with SIGKILL leaves no registry or temp dir behind", async () => {
    const child = spawn(process.execPath, ["--import", "tsx", "test/harness/registry-cli.ts", "--no-seed"], {
      cwd: repoRoot,
      stdio: ["ignore", "pipe", "inherit"],
    });
    const line = await new Promise<string>((resolve, reject) => {
      let buffered = "";
      child.stdout.on("data", (d: Buffer) => {
        buffered += d.toString();
        if (buffered.includes("\n")) resolve(buffered.split("\n")[0] as string);
      });
      child.once("exit", (code) => reject(new Error(`registry-cli exited early with ${code}`)));
    });
    const info = JSON.parse(line) as { url: string; dir: string; pid: number };
    const port = Number(new URL(info.url).port);
    expect(await answers(port)).toBe(true);

    child.kill("SIGKILL");
    expect(await waitFor(async () => !(await answers(port)) && !fs.existsSync(info.dir) && !alive(info.pid), 5000)).toBe(true);
  });

  it("starts with delete disabled when asked, and the client reports that as 'unsupported'", async () => {
    const registry = await startRegistry({ deleteEnabled: false });
    const p = createOciProvider({ name: "nodelete", url: registry.url, auth: { kind: "anonymous" } });
    try {
      const seeded = await seedStandardImages(p);
      await expect(p.deleteManifest(seeded.single.repository, seeded.single.digest)).rejects.toMatchObject({ kind: "unsupported", status: 405 });
    } finally {
      await p.close();
      await registry.stop();
    }
  });
});

describe("seeded content is valid for an independent client", () => {
  it("skopeo inspects every seeded image and copies the multi-arch index with all blobs verified", async () => {
    const registry = await startRegistry();
    const p = createOciProvider({ name: "seed", url: registry.url, auth: { kind: "anonymous" } });
    const out = makeTempDir("skopeo");
    try {
      const seeded = await seedStandardImages(p);
      for (const image of [seeded.single, seeded.docker, seeded.signed]) {
        const { stdout } = await run("/usr/bin/skopeo", ["inspect", "--tls-verify=false", `docker://${registry.host}/${image.repository}:${image.tag}`]);
        const inspected = JSON.parse(stdout) as { Digest: string; Architecture: string; Os: string; Layers: string[] };
        expect(inspected.Digest).toBe(image.digest);
        expect(inspected.Layers).toEqual(image.image.layers.map((l) => l.digest));
        expect([inspected.Os, inspected.Architecture]).toEqual(["linux", "amd64"]);
      }
      const { stdout: raw } = await run("/usr/bin/skopeo", ["inspect", "--raw", "--tls-verify=false", `docker://${registry.host}/seed/multi:2.0.0`]);
      expect(raw.trim()).toBe(Buffer.from(seeded.multiArch.index.bytes).toString("utf8"));
      await run("/usr/bin/skopeo", ["copy", "--all", "--src-tls-verify=false", `docker://${registry.host}/seed/multi:2.0.0`, `oci:${out}:multi`]);
      const layout = JSON.parse(fs.readFileSync(path.join(out, "index.json"), "utf8")) as { manifests: Array<{ digest: string }> };
      expect(layout.manifests.map((m) => m.digest)).toEqual([seeded.multiArch.digest]);
      const blobCount = fs.readdirSync(path.join(out, "blobs", "sha256")).length;
      // index + 3 × (manifest + config + layer)
      expect(blobCount).toBe(1 + 3 * 3);
    } finally {
      removeDir(out);
      await p.close();
      await registry.stop();
    }
  });
});

describe("bulk seeding", () => {
  it("creates repositories × tags with distinct manifests over shared, mounted blobs", async () => {
    const registry = await startRegistry();
    const proxy = await startFaultProxy(registry.url);
    const p = createOciProvider({ name: "bulk", url: proxy.url, auth: { kind: "anonymous" } });
    try {
      const progress: number[] = [];
      const result = await seedBulk(p, { repositories: 12, tagsPerRepository: 5, concurrency: 6, namespace: "b", onProgress: (done) => progress.push(done) });
      expect(result.repositories).toHaveLength(12);
      expect(result.tags).toBe(60);
      expect(result.manifests).toBe(60);
      expect(progress.at(-1)).toBe(60);
      const all: string[] = [];
      for (let page = await p.listRepositories({ pageSize: 100 }); ; ) {
        all.push(...page.items);
        if (!page.next) break;
        page = await p.listRepositories({ cursor: page.next });
      }
      expect(all).toEqual(result.repositories);
      const last = bulkRepositoryName("b", 11);
      expect((await p.listTags(last)).items.sort()).toEqual([0, 1, 2, 3, 4].map(bulkTagName));
      const m = await p.getManifest(last, bulkTagName(4));
      const first = await p.getManifest(bulkRepositoryName("b", 0), bulkTagName(4));
      expect(m.digest).not.toBe(first.digest);
      // config and layer were uploaded once and mounted into the 11 other repositories
      const uploads = proxy.log.filter((r) => r.method === "PUT" && r.path.includes("/blobs/uploads/"));
      const mounts = proxy.log.filter((r) => r.method === "POST" && r.path.includes("?mount="));
      expect(uploads).toHaveLength(2);
      expect(mounts).toHaveLength(2 * 11);
    } finally {
      await p.close();
      await proxy.stop();
      await registry.stop();
    }
  });
});

describe("bulk seeding straight into storage", () => {
  it("writes a layout the running registry serves like pushed content", async () => {
    const registry = await startRegistry();
    const p = createOciProvider({ name: "storage", url: registry.url, auth: { kind: "anonymous" } });
    try {
      const result = await writeBulkStorage(registry, { repositories: 15, tagsPerRepository: 4, namespace: "fs" });
      expect(result.tags).toBe(60);
      expect(result.manifests).toBe(60);
      expect((await p.listRepositories()).items).toEqual(result.repositories);
      const repo = bulkRepositoryName("fs", 14);
      expect((await p.listTags(repo)).items.sort()).toEqual([0, 1, 2, 3].map(bulkTagName));
      const details = await p.describeArtifact(repo, bulkTagName(3));
      expect(details.platforms).toEqual([expect.objectContaining({ os: "linux", architecture: "amd64" })]);
      expect(details.manifest.json).toMatchObject({ annotations: { "org.opencontainers.image.version": "v0003" } });
      const { stdout } = await run("/usr/bin/skopeo", ["inspect", "--tls-verify=false", `docker://${registry.host}/${repo}:${bulkTagName(3)}`]);
      expect((JSON.parse(stdout) as { Digest: string }).Digest).toBe(details.digest);
    } finally {
      await p.close();
      await registry.stop();
    }
  });
});
