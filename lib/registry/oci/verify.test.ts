import { once } from "node:events";
import { Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import { RegistryError } from "../errors";
import { getRequest } from "@/test/support/responses";
import { computeDigest, verifyContent, verifyingStream } from "./verify";

const bytes = new TextEncoder().encode("hello registry");
const digest = computeDigest(bytes);
const request = getRequest();

async function drain(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

describe("verifyContent", () => {
  it("accepts matching content and returns its digest", () => {
    expect(verifyContent(bytes, { requested: digest, advertised: digest, what: "x", request })).toBe(digest);
  });

  it("rejects content that does not hash to the requested digest", () => {
    const other = computeDigest(new TextEncoder().encode("other"));
    expect(() => verifyContent(bytes, { requested: other, what: "manifest a:1", request })).toThrow(
      expect.objectContaining({ kind: "digest_mismatch", message: expect.stringContaining("the requested digest says") }),
    );
  });

  it("rejects content that contradicts the Docker-Content-Digest header", () => {
    const other = computeDigest(new TextEncoder().encode("other"));
    expect(() => verifyContent(bytes, { advertised: other, what: "manifest a:latest", request })).toThrow(
      expect.objectContaining({ kind: "digest_mismatch", message: expect.stringContaining("Docker-Content-Digest") }),
    );
  });

  it("verifies sha512 digests in their own algorithm", () => {
    const d512 = computeDigest(bytes, "sha512");
    expect(verifyContent(bytes, { requested: d512, advertised: digest, what: "x", request })).toBe(d512);
  });

  it("treats a malformed header digest as a bad response", () => {
    expect(() => verifyContent(bytes, { advertised: "sha256:zz", what: "x", request })).toThrow(expect.objectContaining({ kind: "bad_response" }));
  });
});

describe("verifyingStream", () => {
  it("passes verified bytes through", async () => {
    const out = await drain(verifyingStream(Readable.from([bytes.subarray(0, 5), bytes.subarray(5)]), { digest, expectedSize: bytes.length, what: "b", request }));
    expect(out.equals(Buffer.from(bytes))).toBe(true);
  });

  it("fails at the end when the content differs", async () => {
    const corrupted = Buffer.from(bytes);
    corrupted[0] = 0;
    await expect(drain(verifyingStream(Readable.from([corrupted]), { digest, expectedSize: bytes.length, what: "b", request }))).rejects.toMatchObject({
      kind: "digest_mismatch",
    });
  });

  it("fails when fewer bytes arrive than announced", async () => {
    await expect(drain(verifyingStream(Readable.from([bytes.subarray(0, 4)]), { digest, expectedSize: bytes.length, what: "b", request }))).rejects.toMatchObject({
      kind: "bad_response",
      message: expect.stringContaining(`4 of ${bytes.length}`),
    });
  });

  it("reports a body that breaks off as a truncation", async () => {
    const broken = new Readable({ read() {} });
    broken.push(bytes.subarray(0, 3));
    setTimeout(() => broken.destroy(Object.assign(new Error("other side closed"), { code: "UND_ERR_SOCKET" })), 5);
    const err = await drain(verifyingStream(broken, { digest, expectedSize: bytes.length, what: "b", request })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RegistryError);
    expect(err).toMatchObject({ kind: "bad_response", message: expect.stringContaining("cut off") });
  });

  it("releases the body when the caller destroys the stream before reading it", async () => {
    // the registry connection stays busy (and close() waits for it) until the body is consumed or destroyed
    const body = new Readable({ read() {} });
    const stream = verifyingStream(body, { digest, expectedSize: bytes.length, what: "b", request });
    stream.destroy();
    await once(stream, "close");
    expect(body.destroyed).toBe(true);
  });
});
