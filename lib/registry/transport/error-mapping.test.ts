import { describe, expect, it } from "vitest";
import { parseJson } from "./body";
import { errorFromResponse, errorStep, parseErrorBody } from "./error-mapping";
import { fakeResponse, getRequest } from "./test-responses";

describe("parseErrorBody", () => {
  it("reads the distribution error list and tolerates junk", () => {
    expect(parseErrorBody('{"errors":[{"code":"MANIFEST_UNKNOWN","message":"manifest unknown","detail":{"Tag":"x"}}]}')).toEqual([
      { code: "MANIFEST_UNKNOWN", message: "manifest unknown", detail: { Tag: "x" } },
    ]);
    expect(parseErrorBody('{"message":"nope"}')).toEqual([{ code: "UNKNOWN", message: "nope" }]);
    expect(parseErrorBody("<html>")).toEqual([]);
    expect(parseErrorBody("")).toEqual([]);
  });
});

describe("errorFromResponse", () => {
  const body401 = '{"errors":[{"code":"UNAUTHORIZED","message":"authentication required"}]}';

  it("words a rejected credential the way an operator can act on", () => {
    const req = getRequest("/v2/foo/manifests/latest", { headers: { authorization: "Basic x" } });
    const e = errorFromResponse(fakeResponse(req, 401), body401);
    expect(e.kind).toBe("unauthorized");
    expect(e.message).toBe(
      "registry registry.test:5000 rejected the credentials (401 UNAUTHORIZED: authentication required) for GET /v2/foo/manifests/latest",
    );
    expect(e.codes).toEqual(["UNAUTHORIZED"]);
    expect(e.status).toBe(401);
    expect(e.registry).toBe("registry.test:5000");
  });

  it("says credentials are missing when none were sent", () => {
    const e = errorFromResponse(fakeResponse(getRequest("/v2/foo/tags/list"), 401), body401);
    expect(e.message).toMatch(/requires authentication .* configure credentials/);
  });

  it.each([
    [403, "forbidden"],
    [404, "not_found"],
    [405, "unsupported"],
    [429, "rate_limited"],
    [400, "bad_response"],
    [500, "bad_response"],
    [502, "unreachable"],
    [503, "unreachable"],
  ])("maps %i to %s", (status, kind) => {
    expect(errorFromResponse(fakeResponse(getRequest(), status), "").kind).toBe(kind);
  });

  it("carries Retry-After, attempts and the 'what' of the request", () => {
    const res = fakeResponse(getRequest("/v2/a/manifests/1", { what: "manifest a:1" }), 429, { "retry-after": "7" });
    res.attempts = 4;
    const e = errorFromResponse(res, "");
    expect(e.retryAfterMs).toBe(7000);
    expect(e.message).toMatch(/after 4 attempts; it asks to retry after 7 s/);
    const nf = errorFromResponse(fakeResponse(getRequest("/v2/a/manifests/1", { what: "manifest a:1" }), 404), "");
    expect(nf.message).toMatch(/^registry registry.test:5000 has no manifest a:1 \(404 Not Found\)/);
  });

  it("hides the opaque upload state in messages", () => {
    const req = getRequest("/v2/a/blobs/uploads/uuid?_state=SECRETSTATE&digest=sha256:1", { method: "PUT" });
    const e = errorFromResponse(fakeResponse(req, 400), '{"errors":[{"code":"DIGEST_INVALID","message":"provided digest did not match uploaded content"}]}');
    expect(e.message).not.toContain("SECRETSTATE");
    expect(e.message).toContain("DIGEST_INVALID");
  });
});

describe("what of a response body reaches a message", () => {
  it("never repeats raw text, only the registry's parsed error codes and messages", () => {
    const e = errorFromResponse(fakeResponse(getRequest(), 400), "you have been pwned: call +1 555 0100");
    expect(e.message).toBe("registry registry.test:5000 refused GET /v2/app/manifests/latest (400 Bad Request)");
  });

  it("caps the registry's own error entries: three, single-line, 200 characters, spec-shaped codes", () => {
    const many = JSON.stringify({
      errors: [
        { code: "DENIED", message: `line one\nline two ${"x".repeat(500)}` },
        { code: "<script>", message: "odd code" },
        { code: "A", message: "a" },
        { code: "B", message: "b" },
      ],
    });
    const details = parseErrorBody(many);
    expect(details.map((d) => d.code)).toEqual(["DENIED", "UNKNOWN", "A"]);
    expect(details[0]!.message).toMatch(/^line one line two x+…$/);
    expect(details[0]!.message.length).toBe(201);
    expect(parseErrorBody(JSON.stringify({ errors: [{ code: "X", message: "m", detail: "d".repeat(5000) }] }))[0]).toEqual({ code: "X", message: "m" });
  });

  it("reads nothing of an error answered by another origin (object storage, a token service)", async () => {
    const req = getRequest("/bucket/blob", { url: new URL("http://storage.test/bucket/blob"), expect: [200] });
    const body = '{"errors":[{"code":"DENIED","message":"hostile text"}]}';
    const send = errorStep(new URL("http://registry.test:5000"))(async (r) => fakeResponse(r, 403, {}, body));
    await expect(send(req)).rejects.toMatchObject({ kind: "forbidden", errors: [], message: "registry storage.test denied access (403 Forbidden) for GET /bucket/blob" });
    const own = errorStep(new URL("http://registry.test:5000"))(async (r) => fakeResponse(r, 403, {}, body));
    await expect(own(getRequest("/v2/a/tags/list", { expect: [200] }))).rejects.toMatchObject({ errors: [{ code: "DENIED", message: "hostile text" }] });
  });

  it("describes malformed JSON without quoting it", () => {
    const res = fakeResponse(getRequest(), 200, { "content-type": "text/html; charset=utf-8" });
    expect(() => parseJson(Buffer.from("<html>secret internal page</html>"), res, "manifest a:1")).toThrow(
      "registry registry.test:5000 returned malformed JSON for manifest a:1 (GET /v2/app/manifests/latest): 33 bytes of text/html that do not parse as JSON (it looks like HTML or XML)",
    );
    try {
      parseJson(Buffer.from('{"token": "abc'), res, "token response");
    } catch (err) {
      expect((err as Error).message).not.toContain("abc");
    }
  });
});
