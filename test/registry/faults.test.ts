/**
 * Failure behaviour through test/harness/fault-proxy.ts in front of a real registry: every fault is
 * injected on the wire, and the client must either recover (and we count how) or fail with the right
 * RegistryError kind.
 */
import { Readable } from "node:stream";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { RegistryError } from "../../lib/registry/errors";
import { createOciProvider, type OciProvider } from "../../lib/registry/oci/provider";
import type { RegistryConnection } from "../../lib/registry/provider";
import { startFaultProxy, type FaultProxy } from "../harness/fault-proxy";
import { freePort } from "../harness/free-port";
import { startRegistry, type RunningRegistry } from "../harness/registry";
import { seedStandardImages, type SeededStandardImages } from "../harness/seed";

let registry: RunningRegistry;
let proxy: FaultProxy;
let seeded: SeededStandardImages;
const providers: OciProvider[] = [];

const MANIFEST_PATH = "/v2/seed/single/manifests/1.0.0";

function client(overrides: Partial<RegistryConnection> = {}, maxAttempts = 3): OciProvider {
  const p = createOciProvider(
    { name: "faulty", url: proxy.url, auth: { kind: "anonymous" }, timeoutMs: 5000, ...overrides },
    { retry: { maxAttempts, baseDelayMs: 20, maxDelayMs: 50 } },
  );
  providers.push(p);
  return p;
}

async function failure(promise: Promise<unknown>): Promise<RegistryError> {
  try {
    await promise;
  } catch (e) {
    if (e instanceof RegistryError) return e;
    throw e;
  }
  throw new Error("expected a RegistryError");
}

async function drain(stream: Readable): Promise<number> {
  let n = 0;
  for await (const chunk of stream) n += (chunk as Buffer).length;
  return n;
}

beforeAll(async () => {
  registry = await startRegistry();
  const direct = createOciProvider({ name: "direct", url: registry.url, auth: { kind: "anonymous" } });
  seeded = await seedStandardImages(direct);
  await direct.close();
  proxy = await startFaultProxy(registry.url);
});

afterEach(async () => {
  proxy.reset();
  await Promise.all(providers.splice(0).map((p) => p.close()));
});

afterAll(async () => {
  await proxy?.stop();
  await registry?.stop();
});

describe("timeouts and connection failures", () => {
  it("a slow registry is a 'timeout' at the configured deadline", async () => {
    proxy.addRule({ path: MANIFEST_PATH, action: { kind: "delay", ms: 2000 } });
    const started = Date.now();
    const e = await failure(client({ timeoutMs: 300 }).getManifest("seed/single", "1.0.0"));
    const elapsed = Date.now() - started;
    expect(e.kind).toBe("timeout");
    expect(e.message).toContain(`did not complete GET ${MANIFEST_PATH} within 300 ms`);
    expect(elapsed).toBeGreaterThanOrEqual(290);
    expect(elapsed).toBeLessThan(1500);
  });

  it("a refused port is 'unreachable'", async () => {
    const port = await freePort();
    const p = createOciProvider({ name: "nobody", url: `http://127.0.0.1:${port}`, auth: { kind: "anonymous" } });
    providers.push(p);
    const e = await failure(p.ping());
    expect(e.kind).toBe("unreachable");
    expect(e.message).toBe(`registry 127.0.0.1:${port} refused the connection (nothing listening on that port?) for GET /v2/`);
  });

  it("an unresolvable host is 'unreachable'", async () => {
    const p = createOciProvider({ name: "nx", url: "http://registry.does-not-exist.invalid:5000", auth: { kind: "anonymous" }, timeoutMs: 5000 });
    providers.push(p);
    const e = await failure(p.ping());
    expect(e.kind).toBe("unreachable");
    expect(e.message).toMatch(/could not be resolved/);
  });

  it("a connection dropped before the answer is retried for a GET", async () => {
    proxy.addRule({ path: MANIFEST_PATH, times: 1, action: { kind: "drop" } });
    const m = await client().getManifest("seed/single", "1.0.0");
    expect(m.digest).toBe(seeded.single.digest);
    expect(proxy.requestsTo(MANIFEST_PATH)).toHaveLength(2);
  });

  it("a connection that keeps dropping ends as 'unreachable' after the bounded attempts", async () => {
    proxy.addRule({ path: MANIFEST_PATH, action: { kind: "drop" } });
    const e = await failure(client().getManifest("seed/single", "1.0.0"));
    expect(e.kind).toBe("unreachable");
    expect(e.message).toMatch(/closed the connection before answering/);
    expect(proxy.requestsTo(MANIFEST_PATH)).toHaveLength(3);
  });
});

describe("retries", () => {
  it("429 with Retry-After: 1 is retried after the requested wait", async () => {
    proxy.addRule({ path: MANIFEST_PATH, times: 1, action: { kind: "status", status: 429, retryAfter: "1" } });
    const m = await client().getManifest("seed/single", "1.0.0");
    expect(m.digest).toBe(seeded.single.digest);
    const [first, second, ...rest] = proxy.requestsTo(MANIFEST_PATH);
    expect(rest).toHaveLength(0);
    expect(first?.fault).toBe("status");
    expect(second?.fault).toBeUndefined();
    const waited = (second?.at ?? 0) - (first?.at ?? 0);
    expect(waited).toBeGreaterThanOrEqual(990);
    expect(waited).toBeLessThan(2500);
  });

  it("429 with an HTTP-date Retry-After is honoured too", async () => {
    const until = new Date(Date.now() + 2000);
    proxy.addRule({ path: MANIFEST_PATH, times: 1, action: { kind: "status", status: 429, retryAfter: until.toUTCString() } });
    await client().getManifest("seed/single", "1.0.0");
    const [first, second] = proxy.requestsTo(MANIFEST_PATH);
    // HTTP dates have 1 s resolution, so the wait is between 1 and 2 s
    expect((second?.at ?? 0) - (first?.at ?? 0)).toBeGreaterThanOrEqual(900);
  });

  it("a Retry-After beyond what we wait for fails fast as 'rate_limited' with the delay", async () => {
    proxy.addRule({ path: MANIFEST_PATH, action: { kind: "status", status: 429, retryAfter: "120", body: '{"errors":[{"code":"TOOMANYREQUESTS","message":"pull rate limit exceeded"}]}' } });
    const started = Date.now();
    const e = await failure(client().getManifest("seed/single", "1.0.0"));
    expect(Date.now() - started).toBeLessThan(1000);
    expect(e.kind).toBe("rate_limited");
    expect(e.retryAfterMs).toBe(120_000);
    expect(e.codes).toEqual(["TOOMANYREQUESTS"]);
    expect(e.message).toMatch(/rate limiting requests \(429 TOOMANYREQUESTS: pull rate limit exceeded\).*retry after 120 s/);
    expect(proxy.requestsTo(MANIFEST_PATH)).toHaveLength(1);
  });

  it("503 twice then success is retried transparently", async () => {
    proxy.addRule({ path: MANIFEST_PATH, times: 2, action: { kind: "status", status: 503 } });
    const m = await client().getManifest("seed/single", "1.0.0");
    expect(m.digest).toBe(seeded.single.digest);
    expect(proxy.requestsTo(MANIFEST_PATH).map((r) => r.fault ?? "ok")).toEqual(["status", "status", "ok"]);
  });

  it("persistent 503 becomes a typed error after exactly maxAttempts tries", async () => {
    proxy.addRule({ path: MANIFEST_PATH, action: { kind: "status", status: 503 } });
    const e = await failure(client({}, 4).getManifest("seed/single", "1.0.0"));
    expect(e.kind).toBe("unreachable");
    expect(e.status).toBe(503);
    expect(e.message).toMatch(/is unavailable \(503 UNAVAILABLE: injected 503\) for GET .* after 4 attempts/);
    expect(proxy.requestsTo(MANIFEST_PATH)).toHaveLength(4);
  });
});

describe("content integrity", () => {
  it("a corrupted manifest fetched by digest is a 'digest_mismatch'", async () => {
    const path = `/v2/seed/single/manifests/${seeded.single.digest}`;
    proxy.addRule({ path, action: { kind: "corrupt", offset: 40 } });
    const e = await failure(client().getManifest("seed/single", seeded.single.digest));
    expect(e.kind).toBe("digest_mismatch");
    expect(e.message).toContain(`but the requested digest says ${seeded.single.digest}`);
  });

  it("a corrupted manifest fetched by tag contradicts Docker-Content-Digest", async () => {
    proxy.addRule({ path: MANIFEST_PATH, action: { kind: "corrupt", offset: 10, count: 3 } });
    const e = await failure(client().getManifest("seed/single", "1.0.0"));
    expect(e.kind).toBe("digest_mismatch");
    expect(e.message).toContain("Docker-Content-Digest");
  });

  it("a corrupted config blob is a 'digest_mismatch'", async () => {
    const digest = seeded.single.image.config.digest;
    proxy.addRule({ path: `/v2/seed/single/blobs/${digest}`, action: { kind: "corrupt" } });
    expect((await failure(client().getConfig("seed/single", digest))).kind).toBe("digest_mismatch");
  });

  it("a corrupted layer stream fails at its end with 'digest_mismatch'", async () => {
    const layer = seeded.single.image.layers[0];
    if (!layer) throw new Error("no layer");
    proxy.addRule({ path: `/v2/seed/single/blobs/${layer.digest}`, action: { kind: "corrupt", offset: 100 } });
    const blob = await client().openBlob("seed/single", layer.digest);
    expect((await failure(drain(blob.stream))).kind).toBe("digest_mismatch");
  });

  it("a HEAD without Docker-Content-Digest falls back to a verified GET", async () => {
    proxy.addRule({ method: "HEAD", path: MANIFEST_PATH, action: { kind: "replace-body", body: "", dropHeaders: ["docker-content-digest"] } });
    const head = await client().headManifest("seed/single", "1.0.0");
    expect(head).toEqual({ digest: seeded.single.digest, mediaType: seeded.single.mediaType, size: seeded.single.image.manifest.size });
    expect(proxy.requestsTo(MANIFEST_PATH).map((r) => r.method)).toEqual(["HEAD", "GET"]);
  });

  it("malformed manifest JSON (no digest header to contradict) is a 'bad_response'", async () => {
    proxy.addRule({ path: MANIFEST_PATH, action: { kind: "replace-body", body: '{"schemaVersion": 2, "layers": [', dropHeaders: ["docker-content-digest"] } });
    const e = await failure(client().getManifest("seed/single", "1.0.0"));
    expect(e.kind).toBe("bad_response");
    expect(e.message).toMatch(/returned malformed JSON for manifest seed\/single:1\.0\.0/);
  });

  it("a manifest of the wrong shape is a 'bad_response' naming the field", async () => {
    const body = JSON.stringify({ schemaVersion: 2, mediaType: "application/vnd.oci.image.manifest.v1+json", config: { mediaType: "x", digest: "sha256:nope", size: 1 }, layers: [] });
    proxy.addRule({ path: MANIFEST_PATH, action: { kind: "replace-body", body, dropHeaders: ["docker-content-digest"] } });
    const e = await failure(client().getManifest("seed/single", "1.0.0"));
    expect(e.kind).toBe("bad_response");
    expect(e.message).toContain("config.digest: not a valid sha256/sha512 digest");
  });

  it("malformed catalog and tag-list JSON are 'bad_response'", async () => {
    proxy.addRule({ path: "/v2/_catalog", action: { kind: "replace-body", body: '{"repositories": [' } });
    proxy.addRule({ path: "/v2/seed/single/tags/list", action: { kind: "replace-body", body: '{"name":"seed/single","tags":42}' } });
    const p = client();
    expect(await failure(p.listRepositories())).toMatchObject({ kind: "bad_response", message: expect.stringContaining("malformed JSON") });
    expect(await failure(p.listTags("seed/single"))).toMatchObject({ kind: "bad_response", message: expect.stringContaining("tags:") });
  });

  it("a truncated manifest body is a 'bad_response'", async () => {
    proxy.addRule({ path: MANIFEST_PATH, action: { kind: "truncate", keepBytes: 50 } });
    const e = await failure(client().getManifest("seed/single", "1.0.0"));
    expect(e.kind).toBe("bad_response");
    expect(e.message).toMatch(/truncated body .* got 50 of \d+ bytes/);
  });

  it("a truncated blob stream is a 'bad_response'", async () => {
    const layer = seeded.docker.image.layers[0];
    if (!layer) throw new Error("no layer");
    proxy.addRule({ path: `/v2/seed/docker/blobs/${layer.digest}`, action: { kind: "truncate", keepBytes: 100 } });
    const blob = await client().openBlob("seed/docker", layer.digest);
    expect(blob.size).toBe(layer.size);
    const e = await failure(drain(blob.stream));
    expect(e.kind).toBe("bad_response");
    expect(e.message).toMatch(new RegExp(`(cut off .* after 100 of ${layer.size} bytes|100 of ${layer.size} announced bytes)`));
  });

  it("a blob dropped mid-body is a 'bad_response'", async () => {
    const layer = seeded.docker.image.layers[1];
    if (!layer) throw new Error("no layer");
    proxy.addRule({ path: `/v2/seed/docker/blobs/${layer.digest}`, action: { kind: "drop", afterBytes: 64 } });
    const blob = await client().openBlob("seed/docker", layer.digest);
    expect((await failure(drain(blob.stream))).kind).toBe("bad_response");
  });

  it("a silently shortened blob (consistent Content-Length) is caught by the digest", async () => {
    const layer = seeded.docker.image.layers[2];
    if (!layer) throw new Error("no layer");
    proxy.addRule({ path: `/v2/seed/docker/blobs/${layer.digest}`, action: { kind: "truncate", keepBytes: 100, fixLength: true } });
    const blob = await client().openBlob("seed/docker", layer.digest);
    expect(blob.size).toBe(100);
    expect((await failure(drain(blob.stream))).kind).toBe("digest_mismatch");
  });
});
