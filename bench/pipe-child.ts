/**
 * A reference point, not a copier to use: the leanest copy Node and undici can make. Each blob's GET
 * response body is handed as-is to the PUT that uploads it, 6 at a time, then the manifest is put
 * under the tag. No hashing, no size or progress accounting, no retries, no verification: whatever
 * it costs is what any copier on this stack costs before it checks anything.
 * Usage: node --import tsx bench/pipe-child.ts SRC_URL SRC_REPO DIGEST DST_URL DST_REPO TAG
 * Prints one JSON line: totalMs and copyCpuMs (user + system CPU of the copy).
 */
import { performance } from "node:perf_hooks";
import { Agent, request } from "undici";

const MANIFEST_TYPE = "application/vnd.oci.image.manifest.v1+json";

async function main() {
  const [srcUrl, srcRepo, digest, dstUrl, dstRepo, tag] = process.argv.slice(2);
  if (!srcUrl || !srcRepo || !digest || !dstUrl || !dstRepo || !tag) throw new Error("usage: pipe-child.ts SRC_URL SRC_REPO DIGEST DST_URL DST_REPO TAG");
  const dispatcher = new Agent({ connections: 16 });
  const expect = async (res: Awaited<ReturnType<typeof request>>, status: number, what: string) => {
    if (res.statusCode !== status) throw new Error(`${what}: HTTP ${res.statusCode} ${await res.body.text()}`);
  };
  const cpuBefore = process.cpuUsage();
  const started = performance.now();

  const manifestRes = await request(`${srcUrl}/v2/${srcRepo}/manifests/${digest}`, { dispatcher, headers: { accept: MANIFEST_TYPE } });
  await expect(manifestRes, 200, "manifest");
  const manifest = Buffer.from(await manifestRes.body.arrayBuffer());
  const { config, layers } = JSON.parse(manifest.toString("utf8")) as { config: { digest: string; size: number }; layers: { digest: string; size: number }[] };

  await Promise.all(
    [config, ...layers].map(async (blob) => {
      const session = await request(`${dstUrl}/v2/${dstRepo}/blobs/uploads/`, { method: "POST", dispatcher });
      await expect(session, 202, "upload session");
      await session.body.dump();
      const put = new URL(String(session.headers.location), dstUrl);
      put.searchParams.set("digest", blob.digest);
      const get = await request(`${srcUrl}/v2/${srcRepo}/blobs/${blob.digest}`, { dispatcher });
      await expect(get, 200, `blob ${blob.digest}`);
      const res = await request(put, { method: "PUT", dispatcher, body: get.body, headers: { "content-type": "application/octet-stream", "content-length": String(blob.size) } });
      await expect(res, 201, `upload of ${blob.digest}`);
      await res.body.dump();
    }),
  );
  const res = await request(`${dstUrl}/v2/${dstRepo}/manifests/${tag}`, { method: "PUT", dispatcher, body: manifest, headers: { "content-type": MANIFEST_TYPE } });
  await expect(res, 201, "manifest upload");
  await res.body.dump();

  const totalMs = performance.now() - started;
  const cpu = process.cpuUsage(cpuBefore);
  await dispatcher.close();
  process.stdout.write(`${JSON.stringify({ totalMs, copyCpuMs: (cpu.user + cpu.system) / 1000 })}\n`, () => process.exit(0));
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
