import { describe, expect, it } from "vitest";
import { mapEcrError } from "./errors";
import { describeLifecyclePolicy } from "./lifecycle";
import { refreshTime } from "./token";

describe("ECR error mapping", () => {
  const sdk = (name: string, status: number, extra: Record<string, unknown> = {}) => Object.assign(new Error(`${name} happened`), { name, $metadata: { httpStatusCode: status, attempts: 3 }, ...extra });

  it("maps the service's exceptions to registry error kinds", () => {
    expect(mapEcrError(sdk("RepositoryNotFoundException", 400), "h", "x").kind).toBe("not_found");
    expect(mapEcrError(sdk("UnrecognizedClientException", 400), "h", "x").kind).toBe("unauthorized");
    expect(mapEcrError(sdk("AccessDeniedException", 400), "h", "x").kind).toBe("forbidden");
    expect(mapEcrError(sdk("ThrottlingException", 400), "h", "x")).toMatchObject({ kind: "rate_limited", transient: true });
    expect(mapEcrError(sdk("ServerException", 500), "h", "x")).toMatchObject({ kind: "bad_response", status: 500, transient: true });
    expect(mapEcrError(sdk("ServiceUnavailable", 503), "h", "x").kind).toBe("unreachable");
    expect(mapEcrError(Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" }), "h", "x").kind).toBe("unreachable");
  });

  it("keeps Retry-After and says how many attempts were made", () => {
    const err = mapEcrError(sdk("ThrottlingException", 429, { $response: { statusCode: 429, headers: { "retry-after": "7" } } }), "api.ecr", "images of app");
    expect(err.retryAfterMs).toBe(7000);
    expect(err.message).toBe("ECR API api.ecr failed images of app: ThrottlingException: ThrottlingException happened (HTTP 429) after 3 attempts");
  });

  it("calls an undecodable 200 an unreadable response", () => {
    expect(mapEcrError(sdk("SyntaxError", 200), "h", "images").message).toContain("an unreadable response");
  });
});

describe("ECR lifecycle policy text", () => {
  it("describes count and age rules", () => {
    const text = JSON.stringify({
      rules: [
        { rulePriority: 1, selection: { tagStatus: "untagged", countType: "sinceImagePushed", countUnit: "days", countNumber: 14 }, action: { type: "expire" } },
        { rulePriority: 2, description: "keep 10 releases", selection: { tagStatus: "tagged", tagPatternList: ["v*"], countType: "imageCountMoreThan", countNumber: 10 }, action: { type: "expire" } },
      ],
    });
    const d = describeLifecyclePolicy(text);
    expect(d.rules.get(1)).toBe("untagged images, older than 14 days");
    expect(d.rules.get(2)).toBe("keep 10 releases (tags v*, beyond the newest 10)");
    expect(d.summary).toBe("rule 1: untagged images, older than 14 days; rule 2: keep 10 releases (tags v*, beyond the newest 10)");
    expect(describeLifecyclePolicy("{not json").summary).toBe("unparseable lifecycle policy");
  });
});

describe("ECR token refresh time", () => {
  it("refreshes 5 minutes early, or 10 % early for short tokens", () => {
    expect(refreshTime(0, 12 * 3600_000)).toBe(12 * 3600_000 - 300_000);
    expect(refreshTime(1_000, 61_000)).toBe(55_000);
  });
});
