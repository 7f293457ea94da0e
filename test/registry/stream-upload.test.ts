import { Readable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createOciProvider, RegistryError } from "@/lib/registry";
import { startFaultProxy, type FaultProxy } from "../harness/fault-proxy";
import { randomLayer } from "../harness/image-builder";
import { startRegistry, type RunningRegistry } from "../harness/registry";

let registry: RunningRegistry;
let proxy: FaultProxy;

beforeAll(async () => {
  registry = await startRegistry();
  proxy = await startFaultProxy(registry.url);
});

afterAll(async () => {
  await proxy?.stop();
  await registry?.stop();
});

const provider = (timeoutMs?: number) => createOciProvider({ name: "stream", url: proxy.url, auth: { kind: "anonymous" }, ...(timeoutMs ? { timeoutMs } : {}) });

/** `pieces` of the bytes, each after `gapMs`; optionally failing with `error` after the last one. */
async function* paced(bytes: Uint8Array, pieces: number, gapMs: number, error?: Error): AsyncGenerator<Uint8Array> {
  const size = Math.ceil(bytes.length / pieces);
  for (let offset = 0; offset < bytes.length; offset += size) {
    if (gapMs) await new Promise((r) => setTimeout(r, gapMs));
    yield bytes.subarray(offset, offset + size);
  }
  if (error) throw error;
}

describe("streamed blob upload (one PUT ?digest=)", () => {
  it("sends the whole stream as one PUT, without PATCH chunks", async () => {
    proxy.reset();
    const p = provider();
    const { layer } = randomLayer("oci", 3 * 1024 * 1024);
    const head = await p.uploadBlobStream("stream/one-put", { stream: Readable.from(paced(layer.bytes, 12, 0)), digest: layer.digest, size: layer.size });
    expect(head).toEqual({ digest: layer.digest, size: layer.size });
    expect(proxy.requestsTo(/\/blobs\/uploads\//, "PATCH")).toHaveLength(0);
    expect(proxy.requestsTo(/\/blobs\/uploads\/.+digest=/, "PUT")).toHaveLength(1);
    expect(await p.headBlob("stream/one-put", layer.digest)).toEqual({ digest: layer.digest, size: layer.size });
    await p.close();
  });

  it("is not cut by the per-call deadline while bytes keep flowing", async () => {
    const p = provider(400);
    const { layer } = randomLayer("oci", 64 * 1024);
    const started = Date.now();
    const head = await p.uploadBlobStream("stream/slow", { stream: paced(layer.bytes, 10, 130), digest: layer.digest, size: layer.size });
    // longer than both the 400 ms deadline and undici's headers timeout (1 s minimum, see transport.ts)
    expect(Date.now() - started).toBeGreaterThan(1000);
    expect(head.digest).toBe(layer.digest);
    expect(await p.headBlob("stream/slow", layer.digest)).not.toBeNull();
    await p.close();
  });

  it("fails a stream shorter than the announced size, and the registry keeps nothing", async () => {
    const p = provider();
    const { layer } = randomLayer("oci", 100_000);
    const err = await p.uploadBlobStream("stream/short", { stream: Readable.from([layer.bytes.subarray(0, 60_000)]), digest: layer.digest, size: layer.size }).catch((e) => e);
    expect(err).toBeInstanceOf(RegistryError);
    expect((err as RegistryError).kind).toBe("bad_response");
    expect(await p.headBlob("stream/short", layer.digest)).toBeNull();
    await p.close();
  });

  it("passes on the failure of a self-verifying source, and the registry keeps nothing", async () => {
    const p = provider();
    const { layer } = randomLayer("oci", 200_000);
    const sourceError = new RegistryError({ kind: "digest_mismatch", message: "source bytes do not match" });
    const stream = Readable.from(paced(layer.bytes.subarray(0, 150_000), 3, 0, sourceError));
    const err = await p.uploadBlobStream("stream/broken-source", { stream, digest: layer.digest, size: layer.size, selfVerifying: true }).catch((e) => e);
    expect(err).toBe(sourceError);
    expect(await p.headBlob("stream/broken-source", layer.digest)).toBeNull();
    await p.close();
  });
});
