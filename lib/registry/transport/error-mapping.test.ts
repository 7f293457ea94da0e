import { describe, expect, it } from "vitest";
import { errorFromResponse, parseErrorBody } from "./error-mapping";
import { fakeResponse, getRequest } from "@/test/support/responses";

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
